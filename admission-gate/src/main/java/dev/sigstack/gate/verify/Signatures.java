package dev.sigstack.gate.verify;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Locale;

/** Raw signature checks with cosign's algorithm choices. */
final class Signatures {
    private Signatures() {
    }

    /**
     * Verifies {@code sig} over {@code data}: ECDSA (ASN.1 DER) and RSA PKCS#1 v1.5 with the given hash, Ed25519
     * over the message.
     */
    static void verify(PublicKey key, String hashAlgorithm, byte[] data, byte[] sig) throws VerificationException {
        String hash = switch (hashAlgorithm == null || hashAlgorithm.isEmpty() ? "sha256"
                : hashAlgorithm.toLowerCase(Locale.ROOT)) {
            case "sha224" -> "SHA224";
            case "sha256" -> "SHA256";
            case "sha384" -> "SHA384";
            case "sha512" -> "SHA512";
            default -> throw new VerificationException("unsupported hash algorithm " + hashAlgorithm);
        };
        String alg = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> hash + "withECDSA";
            case "RSA" -> hash + "withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new VerificationException("unsupported public key algorithm " + key.getAlgorithm());
        };
        boolean ok;
        try {
            Signature s = Signature.getInstance(alg);
            s.initVerify(key);
            s.update(data);
            ok = s.verify(sig);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            ok = false;
        }
        if (!ok) {
            throw new VerificationException(key instanceof ECPublicKey
                    ? "invalid signature when validating ASN.1 encoded signature"
                    : "failed to verify signature");
        }
    }
}
