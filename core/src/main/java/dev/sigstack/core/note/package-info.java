/**
 * C2SP signed notes (<a href="https://c2sp.org/signed-note">c2sp.org/signed-note</a>), transparency-log
 * checkpoints (<a href="https://c2sp.org/tlog-checkpoint">c2sp.org/tlog-checkpoint</a>) and witness
 * cosignatures (<a href="https://c2sp.org/tlog-cosignature">c2sp.org/tlog-cosignature</a>, cosignature/v1).
 *
 * <p>Key hashes: Ed25519 and cosignature keys use the spec's {@code SHA-256(name || 0x0A || type || key)[:4]};
 * ECDSA keys use sigstore's convention, the first four bytes of SHA-256 over the DER SubjectPublicKeyInfo
 * (as Rekor v1 and rekor-tiles sign checkpoints, and as sigstore clients look them up).
 */
package dev.sigstack.core.note;
