/**
 * Merkle tree hashing and proofs of RFC 6962 section 2.1
 * (<a href="https://www.rfc-editor.org/rfc/rfc6962#section-2.1">RFC 6962</a>), with the verification
 * algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2, and the subtree proofs of
 * draft-davidben-tls-merkle-tree-certs-08 appendix B.
 *
 * <p>Hashing uses Guava's {@code Hashing.sha256()}. Proof generation reads complete-subtree hashes through
 * {@link dev.sigstack.core.merkle.HashReader}, so a store answers proofs from O(log n) tiles without ever
 * loading the tree.
 */
package dev.sigstack.core.merkle;
