/**
 * Certificate Transparency v1 structures (<a href="https://www.rfc-editor.org/rfc/rfc6962">RFC 6962</a>):
 * the SignedCertificateTimestamp (§3.2), the data an SCT signs for X.509 and precertificate entries (§3.2),
 * the SCT list extension {@code 1.3.6.1.4.1.11129.2.4.2} (§3.3), the precertificate poison
 * {@code 1.3.6.1.4.1.11129.2.4.3} (§3.1), the MerkleTreeLeaf and TimestampedEntry (§3.4), and the tree-head
 * signature input (§3.5). Integers are big-endian; variable-length vectors carry a length prefix of the size
 * RFC 5246 §4.3 gives them. The log ID is the SHA-256 of the log key's DER SubjectPublicKeyInfo (§3.2).
 */
package dev.sigstack.core.ct;
