package dev.sigstack.ca.issuance;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import dev.sigstack.core.ecdsa.Ecdsa;

/**
 * Parsing, strength checks and proof-of-possession checks for the key a certificate is requested for.
 *
 * <p>Accepted: ECDSA on P-256, P-384, P-521; Ed25519; RSA of 2048 bits or more (up to 8192) with an odd exponent
 * greater than 1. Sigstore's {@code cryptoutils.ValidatePubKey} takes RSA of 2048, 3072 or 4096 bits only; this CA
 * takes any size from 2048 to 8192 bits, so a site's signing keys of other RSA sizes work too. The proof of
 * possession is a signature over the principal's name with the key's default algorithm: ECDSA with SHA-256/384/512 by curve, RSA PKCS#1 v1.5 (or PSS)
 * with SHA-256, Ed25519. A CSR must be signed with that same algorithm (PKCS#1 v1.5 for RSA), as Fulcio's default
 * {@code --client-signing-algorithms} permits no other key and hash pairs.
 */
public final class PublicKeys {
    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(X9ObjectIdentifiers.prime256v1,
        org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp384r1, org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp521r1);
    private static final int MIN_RSA_BITS = 2048;
    private static final int MAX_RSA_BITS = 8192;
    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private PublicKeys() {
    }

    /** Parses a PEM {@code PUBLIC KEY} or base64/raw DER SubjectPublicKeyInfo. */
    public static PublicKey parse(String content) throws InvalidKeyRequestException {
        if (content == null || content.isBlank()) {
            throw new InvalidKeyRequestException("The public key supplied in the request could not be parsed: it is empty");
        }
        try {
            SubjectPublicKeyInfo spki;
            String body = singlePublicKeyBlock(content);
            if (body != null) {
                // The usual request: exactly one PUBLIC KEY block, decoded without a PEM reader's buffers.
                spki = SubjectPublicKeyInfo.getInstance(Base64.getMimeDecoder().decode(body));
            } else if (content.contains("-----BEGIN")) {
                try (PEMParser p = new PEMParser(new StringReader(content))) {
                    Object o = p.readObject();
                    if (!(o instanceof SubjectPublicKeyInfo s)) {
                        throw new InvalidKeyRequestException("The public key supplied in the request could not be parsed: PEM block is not a PUBLIC KEY");
                    }
                    spki = s;
                }
            } else {
                spki = SubjectPublicKeyInfo.getInstance(Base64.getMimeDecoder().decode(content));
            }
            return check(spki);
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new InvalidKeyRequestException("The public key supplied in the request could not be parsed");
        }
    }

    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    /** The base64 text of {@code content} when it is exactly one PUBLIC KEY block without headers, else null. */
    private static String singlePublicKeyBlock(String content) {
        String t = content.strip();
        if (!t.startsWith(BEGIN) || !t.endsWith(END) || t.length() < BEGIN.length() + END.length()) {
            return null;
        }
        String body = t.substring(BEGIN.length(), t.length() - END.length());
        return body.indexOf('-') >= 0 || body.indexOf(':') >= 0 ? null : body;
    }

    /** Converts and checks a SubjectPublicKeyInfo. */
    static PublicKey check(SubjectPublicKeyInfo spki) throws InvalidKeyRequestException {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(alg)) {
            if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve) || !CURVES.contains(curve)) {
                throw new InvalidKeyRequestException("The public key supplied in the request is insecure: "
                    + "ECDSA keys must use P-256, P-384 or P-521");
            }
        }
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(spki);
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyRequestException("The public key supplied in the request could not be parsed");
        }
        validate(key);
        return key;
    }

    /** Refuses weak or unsupported keys. */
    public static void validate(PublicKey key) throws InvalidKeyRequestException {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw new InvalidKeyRequestException("The public key supplied in the request is insecure: RSA keys must be "
                    + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits, got " + bits);
            }
            BigInteger e = rsa.getPublicExponent();
            if (!e.testBit(0) || e.compareTo(BigInteger.ONE) <= 0) {
                throw new InvalidKeyRequestException("The public key supplied in the request is insecure: bad RSA exponent");
            }
            return;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits != 256 && bits != 384 && bits != 521) {
                throw new InvalidKeyRequestException("The public key supplied in the request is insecure: unsupported curve");
            }
            return;
        }
        if (key instanceof EdECPublicKey || "Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
            if (key.getEncoded().length != 44) {
                throw new InvalidKeyRequestException("The public key supplied in the request is insecure: only Ed25519 is accepted");
            }
            return;
        }
        throw new InvalidKeyRequestException("The public key supplied in the request is insecure: unsupported key type "
            + key.getAlgorithm());
    }

    /** Checks the proof of possession: a signature by {@code key} over the UTF-8 bytes of {@code name}. */
    public static void verifyProofOfPossession(PublicKey key, byte[] signature, String name) throws InvalidKeyRequestException {
        if (signature == null || signature.length == 0) {
            throw new InvalidKeyRequestException("The signature supplied in the request could not be verified: no proof of possession");
        }
        byte[] message = name.getBytes(StandardCharsets.UTF_8);
        if (key instanceof ECPublicKey) {
            java.util.Optional<Ecdsa.Verifier> fast = Ecdsa.Verifier.of(key);
            if (fast.isPresent()) {
                try {
                    fast.get().verify(algorithms(key)[0], message, signature);
                    return;
                } catch (GeneralSecurityException e) {
                    throw new InvalidKeyRequestException("The signature supplied in the request could not be verified: "
                        + "the proof of possession is not a signature over the token's subject");
                }
            }
        }
        for (String alg : algorithms(key)) {
            try {
                Signature s = Signature.getInstance(alg);
                if (alg.equals("RSASSA-PSS")) {
                    s.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
                }
                s.initVerify(key);
                s.update(message);
                if (s.verify(signature)) {
                    return;
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm
            }
        }
        throw new InvalidKeyRequestException("The signature supplied in the request could not be verified: "
            + "the proof of possession is not a signature over the token's subject");
    }

    private static String[] algorithms(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return new String[] {bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA"};
        }
        if (key instanceof RSAPublicKey) {
            return new String[] {"SHA256withRSA", "RSASSA-PSS"};
        }
        return new String[] {"Ed25519"};
    }

    /** Parses a PEM or DER PKCS#10 request, checks its key and its self-signature (the proof of possession). */
    public static PublicKey fromCsr(byte[] csr) throws InvalidKeyRequestException {
        PKCS10CertificationRequest req;
        try {
            String text = new String(csr, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN")) {
                try (PEMParser p = new PEMParser(new StringReader(text))) {
                    Object o = p.readObject();
                    if (!(o instanceof PKCS10CertificationRequest r)) {
                        throw new InvalidKeyRequestException("The certificate signing request could not be parsed");
                    }
                    req = r;
                }
            } else {
                req = new PKCS10CertificationRequest(csr);
            }
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyRequestException("The certificate signing request could not be parsed");
        }
        PublicKey key = check(req.getSubjectPublicKeyInfo());
        try {
            ContentVerifierProvider v = new JcaContentVerifierProviderBuilder().build(req.getSubjectPublicKeyInfo());
            if (!req.isSignatureValid(v)) {
                throw new InvalidKeyRequestException("The signature supplied in the request could not be verified");
            }
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
            throw new InvalidKeyRequestException("The signature supplied in the request could not be verified");
        }
        ASN1ObjectIdentifier alg = req.getSignatureAlgorithm().getAlgorithm();
        if (!alg.equals(permittedCsrAlgorithm(key))) {
            throw new InvalidKeyRequestException("signing algorithm not permitted: " + key.getAlgorithm() + " key with "
                + alg.getId() + " (permitted: " + permittedCsrAlgorithm(key).getId() + ")");
        }
        return key;
    }

    /** The one CSR signature algorithm Fulcio's default algorithm registry permits for a (validated) key. */
    private static ASN1ObjectIdentifier permittedCsrAlgorithm(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? X9ObjectIdentifiers.ecdsa_with_SHA512 : bits > 256 ? X9ObjectIdentifiers.ecdsa_with_SHA384
                : X9ObjectIdentifiers.ecdsa_with_SHA256;
        }
        if (key instanceof RSAPublicKey) {
            return org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.sha256WithRSAEncryption;
        }
        return ED25519;
    }
}
