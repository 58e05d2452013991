package dev.sigstack.core.rekor;

import dev.sigstack.core.ecdsa.Ecdsa;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Rekor v1's SignedEntryTimestamp ({@code pkg/api/entries.go signEntry}): the log's signature over the RFC 8785
 * canonical JSON of {@code {"body": base64(body), "integratedTime": seconds, "logID": hex, "logIndex": n}}.
 */
public final class SignedEntryTimestamp {

    private SignedEntryTimestamp() {
    }

    /** The last signing key and its in-memory ECDSA signer (empty for other keys and hardware keys). */
    private static volatile Object[] signer = {null, java.util.Optional.empty()};

    /** The bytes the SET signs. */
    public static byte[] payload(byte[] body, long integratedTimeSeconds, byte[] logId, long logIndex) {
        ObjectNode o = Json.F.objectNode();
        o.put("body", Base64.getEncoder().encodeToString(body));
        o.put("integratedTime", integratedTimeSeconds);
        o.put("logID", HexFormat.of().formatHex(logId));
        o.put("logIndex", logIndex);
        return CanonicalJson.canonicalize(o);
    }

    /** Signs the SET payload (ECDSA with SHA-256, Ed25519, or RSA PKCS#1 v1.5 with SHA-256). */
    public static byte[] sign(PrivateKey key, byte[] body, long integratedTimeSeconds, byte[] logId, long logIndex) {
        Object[] c = signer;
        if (c[0] != key) {
            c = new Object[] {key, Ecdsa.Signer.of(key)};
            signer = c; // a log has one key: the last one used is kept
        }
        @SuppressWarnings("unchecked")
        java.util.Optional<Ecdsa.Signer> fast = (java.util.Optional<Ecdsa.Signer>) c[1];
        try {
            if (fast.isPresent()) {
                return fast.get().sign("SHA256withECDSA", payload(body, integratedTimeSeconds, logId, logIndex));
            }
            Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
            s.initSign(key);
            s.update(payload(body, integratedTimeSeconds, logId, logIndex));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the log key", e);
        }
    }

    /** Verifies a SET; returns normally when it is valid. */
    public static void verify(PublicKey key, byte[] set, byte[] body, long integratedTimeSeconds, byte[] logId,
            long logIndex) throws GeneralSecurityException {
        Signature s = Signature.getInstance(algorithm(key.getAlgorithm()));
        s.initVerify(key);
        s.update(payload(body, integratedTimeSeconds, logId, logIndex));
        boolean ok;
        try {
            ok = s.verify(set);
        } catch (java.security.SignatureException e) {
            ok = false;
        }
        if (!ok) {
            throw new java.security.SignatureException("SignedEntryTimestamp does not verify with the log key");
        }
    }

    static String algorithm(String keyAlgorithm) throws GeneralSecurityException {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "RSA" -> "SHA256withRSA";
            default -> throw new GeneralSecurityException("unsupported log key algorithm " + keyAlgorithm);
        };
    }

    /** Rekor v1's log ID: SHA-256 of the log's DER SubjectPublicKeyInfo. */
    public static byte[] logId(PublicKey logKey) {
        return PublicKeyMaterial.HashAlgorithm.SHA256.digest(logKey.getEncoded());
    }
}
