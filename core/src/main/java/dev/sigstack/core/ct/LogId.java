package dev.sigstack.core.ct;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;

/** RFC 6962 §3.2: a log's ID is the SHA-256 hash of its public key's DER SubjectPublicKeyInfo. */
public final class LogId {

    private LogId() {
    }

    public static byte[] of(PublicKey key) {
        return sha256(key.getEncoded());
    }

    /** SHA-256 of the given bytes (also the issuer_key_hash of a precertificate entry, over the issuer's SPKI). */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }
}
