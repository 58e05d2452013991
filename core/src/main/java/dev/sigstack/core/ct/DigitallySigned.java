package dev.sigstack.core.ct;

import java.io.ByteArrayOutputStream;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/**
 * RFC 5246 §4.7 {@code digitally-signed} as RFC 6962 uses it: a hash algorithm byte, a signature algorithm byte,
 * and the signature as an opaque vector with a 2-byte length.
 */
public record DigitallySigned(int hashAlgorithm, int signatureAlgorithm, byte[] signature) {
    /** {@code HashAlgorithm.sha256}. */
    public static final int SHA256 = 4;
    /** {@code SignatureAlgorithm.rsa}. */
    public static final int RSA = 1;
    /** {@code SignatureAlgorithm.ecdsa}. */
    public static final int ECDSA = 3;

    public DigitallySigned {
        if (hashAlgorithm < 0 || hashAlgorithm > 255 || signatureAlgorithm < 0 || signatureAlgorithm > 255) {
            throw new IllegalArgumentException("algorithm identifiers are single bytes");
        }
        if (signature == null || signature.length == 0 || signature.length > 65535) {
            throw new IllegalArgumentException("signature must be 1..65535 bytes");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The JCA algorithm name for this pair; RFC 6962 logs sign with SHA-256 and ECDSA or RSA PKCS#1 v1.5. */
    public String jcaAlgorithm() {
        if (hashAlgorithm != SHA256) {
            throw new IllegalStateException("unsupported hash algorithm " + hashAlgorithm);
        }
        return switch (signatureAlgorithm) {
            case ECDSA -> "SHA256withECDSA";
            case RSA -> "SHA256withRSA";
            default -> throw new IllegalStateException("unsupported signature algorithm " + signatureAlgorithm);
        };
    }

    /** The signature algorithm byte for a log key. */
    public static int signatureAlgorithmFor(PublicKey key) {
        if (key instanceof ECPublicKey) {
            return ECDSA;
        }
        if (key instanceof RSAPublicKey) {
            return RSA;
        }
        throw new IllegalArgumentException("RFC 6962 logs use ECDSA or RSA keys, not " + key.getAlgorithm());
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 + signature.length);
        out.write(hashAlgorithm);
        out.write(signatureAlgorithm);
        TlsCodec.writeVector(out, signature, 2);
        return out.toByteArray();
    }

    public static DigitallySigned parse(byte[] data) throws MalformedCtDataException {
        TlsCodec.Reader r = new TlsCodec.Reader(data);
        DigitallySigned ds = read(r);
        r.expectEnd();
        return ds;
    }

    static DigitallySigned read(TlsCodec.Reader r) throws MalformedCtDataException {
        int hash = (int) r.uint(1);
        int sig = (int) r.uint(1);
        byte[] s = r.vector(2);
        if (s.length == 0) {
            throw new MalformedCtDataException("empty signature");
        }
        return new DigitallySigned(hash, sig, s);
    }
}
