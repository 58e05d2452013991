package dev.sigstack.core.sign;

import dev.sigstore.proto.common.v1.PublicKeyDetails;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * A one-use ECDSA P-256 key, as Sigstore's keyless clients make for each signature: it proves possession to the CA
 * by signing the token's subject, then signs the artifact (SHA-256 with ECDSA, ASN.1 DER signatures). The private
 * key never leaves the object and is not printed.
 */
public final class EphemeralSigner {
    public static final PublicKeyDetails KEY_DETAILS = PublicKeyDetails.PKIX_ECDSA_P256_SHA_256;
    private final KeyPair keyPair;

    private EphemeralSigner(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    public static EphemeralSigner generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return new EphemeralSigner(g.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is not available", e);
        }
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /** SHA256withECDSA over {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keyPair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }

    /**
     * ECDSA over a SHA-256 digest computed elsewhere (e.g. streamed from a large file): the same signature value
     * SHA256withECDSA gives over the data.
     */
    public byte[] signSha256Digest(byte[] sha256) {
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
        }
        try {
            Signature s = Signature.getInstance("NONEwithECDSA");
            s.initSign(keyPair.getPrivate());
            s.update(sha256);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }

    /** The proof of possession Fulcio checks: a signature over the challenge subject's UTF-8 bytes. */
    public byte[] proofOfPossession(String subject) {
        return sign(subject.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "EphemeralSigner[P-256]";
    }
}
