package dev.sigstack.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * TEST-ONLY stand-in for the per-entry cryptography of a hashedrekord append, used by the test append route
 * and by the benchmark's machine bound: parse the submitter's P-256 public key, verify its ECDSA signature over
 * the artifact digest, and sign a SET (ECDSA P-256, SHA-256) over the entry's canonical fields.
 *
 * <p>Body layout: {@code u16 len, SubjectPublicKeyInfo DER, u16 len, DER signature, 32-byte SHA-256 digest}.
 */
final class EntryCrypto {
    private EntryCrypto() {
    }

    /** A signed body for {@code artifact}, as a hashedrekord client would submit it. */
    static byte[] signedBody(KeyPair submitter, byte[] artifact) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(artifact);
        Signature s = Signature.getInstance("NONEwithECDSA");
        s.initSign(submitter.getPrivate());
        s.update(digest);
        byte[] sig = s.sign();
        byte[] spki = submitter.getPublic().getEncoded();
        return ByteBuffer.allocate(2 + spki.length + 2 + sig.length + 32)
                .putShort((short) spki.length).put(spki)
                .putShort((short) sig.length).put(sig)
                .put(digest).array();
    }

    /** Verifies the submitter's signature in {@code body}; false when it does not verify or is malformed. */
    static boolean verify(byte[] body) {
        try {
            ByteBuffer b = ByteBuffer.wrap(body);
            byte[] spki = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(spki);
            byte[] sig = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(sig);
            byte[] digest = new byte[32];
            b.get(digest);
            if (b.hasRemaining()) {
                return false;
            }
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            Signature s = Signature.getInstance("NONEwithECDSA");
            s.initVerify(key);
            s.update(digest);
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** A SET over the entry's body hash, index and time, signed with the log key (base64 DER signature). */
    static String signSet(PrivateKey logKey, byte[] body, long index, long integratedTimeMillis)
            throws GeneralSecurityException {
        String payload = "{\"body\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body))
                + "\",\"integratedTime\":" + integratedTimeMillis / 1000 + ",\"logID\":\"test\",\"logIndex\":" + index
                + "}";
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(logKey);
        s.update(payload.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }
}
