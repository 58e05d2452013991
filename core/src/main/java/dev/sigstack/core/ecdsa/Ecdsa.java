package dev.sigstack.core.ecdsa;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA signing and verification for in-memory keys on P-256, P-384 and P-521. {@link Verifier#of} and
 * {@link Signer#of} answer empty for any other key (RSA, Ed25519, other curves, or a key whose private value a
 * hardware token keeps); the caller then uses its JCA provider.
 */
public final class Ecdsa {
    private static final Map<ASN1ObjectIdentifier, ECNamedDomainParameters> CURVES = new ConcurrentHashMap<>();

    private Ecdsa() {
    }

    /** The hash of a JCA ECDSA algorithm name ({@code SHA256withECDSA}, {@code SHA384withECDSA}, {@code SHA512withECDSA}). */
    static Digest digest(String jcaAlgorithm) throws NoSuchAlgorithmException {
        return switch (jcaAlgorithm) {
            case "SHA256withECDSA" -> new SHA256Digest();
            case "SHA384withECDSA" -> new SHA384Digest();
            case "SHA512withECDSA" -> new SHA512Digest();
            default -> throw new NoSuchAlgorithmException("not an ECDSA algorithm with SHA-2: " + jcaAlgorithm);
        };
    }

    private static byte[] hash(String jcaAlgorithm, byte[] data) throws NoSuchAlgorithmException {
        String name = switch (jcaAlgorithm) {
            case "SHA256withECDSA" -> "SHA-256";
            case "SHA384withECDSA" -> "SHA-384";
            case "SHA512withECDSA" -> "SHA-512";
            default -> throw new NoSuchAlgorithmException("not an ECDSA algorithm with SHA-2: " + jcaAlgorithm);
        };
        return MessageDigest.getInstance(name).digest(data);
    }

    private static Optional<ECNamedDomainParameters> curve(ASN1Encodable params) {
        if (!(params instanceof ASN1ObjectIdentifier oid)
                || !(oid.equals(X9ObjectIdentifiers.prime256v1) || oid.equals(SECObjectIdentifiers.secp384r1)
                     || oid.equals(SECObjectIdentifiers.secp521r1))) {
            return Optional.empty();
        }
        // One parameter object per curve, so the generator's precomputed multiples are shared by every key.
        return Optional.of(CURVES.computeIfAbsent(oid, o -> {
            X9ECParameters x9 = CustomNamedCurves.getByOID(o);
            return new ECNamedDomainParameters(o, x9);
        }));
    }

    /**
     * A public key ready to verify: its point decoded and checked to be on the curve once, its multiples kept
     * for later calls. Thread-safe.
     */
    public static final class Verifier {
        private final ECPublicKeyParameters key;

        private Verifier(ECPublicKeyParameters key) {
            this.key = key;
        }

        /** A verifier for an EC public key on P-256, P-384 or P-521 in named-curve form; empty for any other key. */
        public static Optional<Verifier> of(PublicKey key) {
            if (!(key instanceof ECPublicKey) || !"X.509".equals(key.getFormat()) || key.getEncoded() == null) {
                return Optional.empty();
            }
            SubjectPublicKeyInfo spki;
            try {
                spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())) {
                return Optional.empty();
            }
            Optional<ECNamedDomainParameters> curve = curve(spki.getAlgorithm().getParameters());
            if (curve.isEmpty()) {
                return Optional.empty();
            }
            try {
                ECPoint q = curve.get().getCurve().decodePoint(spki.getPublicKeyData().getOctets());
                return Optional.of(new Verifier(new ECPublicKeyParameters(q, curve.get())));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /**
         * Checks a DER {@code Ecdsa-Sig-Value} over {@code data}.
         *
         * @param jcaAlgorithm {@code SHA256withECDSA}, {@code SHA384withECDSA} or {@code SHA512withECDSA}
         * @throws SignatureException if the signature is malformed (not strict DER) or does not verify
         * @throws NoSuchAlgorithmException for any other algorithm name
         */
        public void verify(String jcaAlgorithm, byte[] data, byte[] signature) throws SignatureException, NoSuchAlgorithmException {
            BigInteger[] rs = decode(signature);
            byte[] digest = hash(jcaAlgorithm, data);
            ECDSASigner v = new ECDSASigner();
            v.init(false, key);
            if (!v.verifySignature(digest, rs[0], rs[1])) {
                throw new SignatureException("ECDSA signature does not verify");
            }
        }

        /**
         * Checks a DER {@code Ecdsa-Sig-Value} over a digest computed elsewhere (what JCA's {@code NONEwithECDSA}
         * checks: the digest is used as the message representative, truncated to the order's bit length).
         *
         * @return whether the signature verifies
         * @throws SignatureException if the signature is malformed (not strict DER)
         */
        public boolean verifyDigest(byte[] digest, byte[] signature) throws SignatureException {
            BigInteger[] rs = decode(signature);
            ECDSASigner v = new ECDSASigner();
            v.init(false, key);
            return v.verifySignature(digest, rs[0], rs[1]);
        }

        private static BigInteger[] decode(byte[] signature) throws SignatureException {
            if (signature == null || signature.length < 8 || signature.length > 160) {
                throw new SignatureException("ECDSA signature has an impossible length");
            }
            try {
                ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(signature));
                if (seq.size() != 2) {
                    throw new SignatureException("ECDSA signature is not a SEQUENCE of two INTEGERs");
                }
                BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getPositiveValue();
                BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getPositiveValue();
                // Strict DER, as the JDK requires: the same value in any other encoding is refused.
                if (!Arrays.equals(seq.getEncoded(ASN1Encoding.DER), signature)
                        || ASN1Integer.getInstance(seq.getObjectAt(0)).getValue().signum() <= 0
                        || ASN1Integer.getInstance(seq.getObjectAt(1)).getValue().signum() <= 0) {
                    throw new SignatureException("ECDSA signature is not a strict DER encoding of two positive INTEGERs");
                }
                return new BigInteger[] {r, s};
            } catch (IOException | IllegalArgumentException e) {
                throw new SignatureException("ECDSA signature is not DER", e);
            }
        }
    }

    /** An in-memory private key that signs with RFC 6979 nonces. Thread-safe; never prints the key. */
    public static final class Signer {
        private final ECPrivateKeyParameters key;

        private Signer(ECPrivateKeyParameters key) {
            this.key = key;
        }

        /** A signer for an in-memory EC private key on P-256, P-384 or P-521; empty for any other key. */
        public static Optional<Signer> of(PrivateKey key) {
            if (!(key instanceof ECPrivateKey ec) || !"PKCS#8".equals(key.getFormat())) {
                return Optional.empty();
            }
            byte[] encoded = key.getEncoded();
            if (encoded == null) {
                return Optional.empty();
            }
            try {
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
                Optional<ECNamedDomainParameters> curve = curve(info.getPrivateKeyAlgorithm().getParameters());
                BigInteger d = ec.getS();
                if (curve.isEmpty() || d == null || d.signum() <= 0 || d.compareTo(curve.get().getN()) >= 0) {
                    return Optional.empty();
                }
                return Optional.of(new Signer(new ECPrivateKeyParameters(d, curve.get())));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            } finally {
                Arrays.fill(encoded, (byte) 0);
            }
        }

        /**
         * Signs {@code data}.
         *
         * @param jcaAlgorithm {@code SHA256withECDSA}, {@code SHA384withECDSA} or {@code SHA512withECDSA}
         * @return the DER {@code Ecdsa-Sig-Value}
         */
        public byte[] sign(String jcaAlgorithm, byte[] data) throws NoSuchAlgorithmException {
            byte[] digest = hash(jcaAlgorithm, data);
            ECDSASigner s = new ECDSASigner(new HMacDSAKCalculator(digest(jcaAlgorithm)));
            s.init(true, key);
            BigInteger[] rs = s.generateSignature(digest);
            try {
                return new DERSequence(new ASN1Encodable[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])}).getEncoded(ASN1Encoding.DER);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "Ecdsa.Signer[" + key.getParameters().getCurve().getFieldSize() + " bits]";
        }
    }
}
