/**
 * An RFC 6962 Certificate Transparency log (<a href="https://www.rfc-editor.org/rfc/rfc6962">RFC 6962</a> §4) on a
 * {@link dev.sigstack.tlog.LogEngine}: {@code add-chain}, {@code add-pre-chain}, {@code get-sth},
 * {@code get-sth-consistency}, {@code get-proof-by-hash}, {@code get-entries} and {@code get-roots} under
 * {@code /ct/v1/}. Leaves are RFC 6962 MerkleTreeLeaf structures; the log ID is the SHA-256 of the log key's DER
 * SubjectPublicKeyInfo.
 */
package dev.sigstack.tlog.ct;
