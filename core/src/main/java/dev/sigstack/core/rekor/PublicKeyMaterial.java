package dev.sigstack.core.rekor;

import dev.sigstack.core.ecdsa.Ecdsa;
import dev.sigstack.core.x509.InvalidFulcioExtensionException;
import dev.sigstack.core.x509.SubjectAltName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.OtherName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A verifier as Rekor's x509 PKI reads it ({@code pkg/pki/x509}): a PEM public key, one PEM certificate, or a
 * PEM chain of certificates whose first is the signer. Keeps the parsed form and produces Rekor's canonical PEM.
 */
public final class PublicKeyMaterial {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n([A-Za-z0-9+/=\\r\\n]*?)-----END \\1-----");
    private static final int MAX_CHAIN = 10;

    private final PublicKey publicKey;
    private final List<X509Certificate> certificates;

    private PublicKeyMaterial(PublicKey publicKey, List<X509Certificate> certificates) {
        this.publicKey = publicKey;
        this.certificates = List.copyOf(certificates);
    }

    /** Parses PEM text as Rekor does: a "PUBLIC KEY", a "CERTIFICATE", or several certificates (up to 10). */
    public static PublicKeyMaterial parsePem(byte[] pem) throws ProposedEntryException.Malformed {
        String text = new String(pem, StandardCharsets.UTF_8).strip();
        Matcher m = PEM.matcher(text);
        List<String[]> blocks = new ArrayList<>();
        int end = 0;
        while (m.find()) {
            if (!text.substring(end, m.start()).isBlank()) {
                if (blocks.isEmpty()) {
                    break;
                }
                throw new ProposedEntryException.Malformed("invalid public key: trailing data after PEM block");
            }
            blocks.add(new String[] {m.group(1), m.group(2)});
            end = m.end();
        }
        if (blocks.isEmpty() || !text.substring(end).isBlank()) {
            throw new ProposedEntryException.Malformed("invalid public key: failure decoding PEM");
        }
        try {
            if (blocks.size() > 1) {
                if (blocks.size() > MAX_CHAIN) {
                    throw new ProposedEntryException.Malformed("invalid public key: more than 10 certificates in chain");
                }
                List<X509Certificate> chain = new ArrayList<>();
                for (String[] b : blocks) {
                    if (!b[0].equals("CERTIFICATE")) {
                        throw new ProposedEntryException.Malformed("invalid public key: chain holds a " + b[0]);
                    }
                    chain.add(certificate(decode(b[1])));
                }
                return new PublicKeyMaterial(chain.get(0).getPublicKey(), chain);
            }
            byte[] der = decode(blocks.get(0)[1]);
            return switch (blocks.get(0)[0]) {
                case "PUBLIC KEY" -> new PublicKeyMaterial(publicKeyFromSpki(der), List.of());
                case "CERTIFICATE" -> {
                    X509Certificate c = certificate(der);
                    yield new PublicKeyMaterial(c.getPublicKey(), List.of(c));
                }
                default -> throw new ProposedEntryException.Malformed(
                        "invalid public key: cannot handle type " + blocks.get(0)[0]);
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ProposedEntryException.Malformed("invalid public key: " + e.getMessage(), e);
        }
    }

    /** A bare DER certificate (as in a bundle or a Rekor v2 verifier). */
    public static PublicKeyMaterial fromCertificateDer(byte[] der) throws ProposedEntryException.Malformed {
        try {
            X509Certificate c = certificate(der);
            return new PublicKeyMaterial(c.getPublicKey(), List.of(c));
        } catch (GeneralSecurityException e) {
            throw new ProposedEntryException.Malformed("invalid certificate: " + e.getMessage(), e);
        }
    }

    /** A bare DER SubjectPublicKeyInfo. */
    public static PublicKeyMaterial fromSpkiDer(byte[] der) throws ProposedEntryException.Malformed {
        try {
            return new PublicKeyMaterial(publicKeyFromSpki(der), List.of());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ProposedEntryException.Malformed("invalid public key: " + e.getMessage(), e);
        }
    }

    /** A Java key from DER SubjectPublicKeyInfo (EC, RSA or Ed25519). */
    public static PublicKey publicKeyFromSpki(byte[] der) throws GeneralSecurityException {
        SubjectPublicKeyInfo spki;
        try {
            spki = SubjectPublicKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("not a SubjectPublicKeyInfo", e);
        }
        String oid = spki.getAlgorithm().getAlgorithm().getId();
        String algorithm = switch (oid) {
            case "1.2.840.10045.2.1" -> "EC";
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.3.101.112" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported public key algorithm " + oid);
        };
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
    }

    private static X509Certificate certificate(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64);
    }

    /** The signer's key (the first certificate's key for a certificate or chain). */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The certificates, signer first; empty for a bare key. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** Rekor's {@code CanonicalValue()}: the key or certificates re-encoded as PEM (Go's {@code pem.Encode}). */
    public byte[] canonicalPem() {
        StringBuilder sb = new StringBuilder();
        try {
            if (certificates.isEmpty()) {
                appendPem(sb, "PUBLIC KEY", publicKey.getEncoded());
            } else {
                for (X509Certificate c : certificates) {
                    appendPem(sb, "CERTIFICATE", c.getEncoded());
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("a parsed certificate cannot be encoded", e);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** PEM with 64-character lines and a final newline, as Go's {@code encoding/pem} writes it. */
    public static String pem(String type, byte[] der) {
        StringBuilder sb = new StringBuilder();
        appendPem(sb, type, der);
        return sb.toString();
    }

    private static void appendPem(StringBuilder sb, String type, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        sb.append("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < b64.length(); i += 64) {
            sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        sb.append("-----END ").append(type).append("-----\n");
    }

    /**
     * Subject alternative names of the signer certificate as sigstore's {@code cryptoutils.GetSubjectAlternateNames}
     * lists them: DNS names, e-mail addresses, IP addresses, URIs, then an otherName (Fulcio's username SAN).
     */
    public List<String> subjectAlternativeNames() {
        if (certificates.isEmpty()) {
            return List.of();
        }
        byte[] ext = certificates.get(0).getExtensionValue(Extension.subjectAlternativeName.getId());
        if (ext == null) {
            return List.of();
        }
        List<String> dns = new ArrayList<>();
        List<String> email = new ArrayList<>();
        List<String> ip = new ArrayList<>();
        List<String> uri = new ArrayList<>();
        List<String> other = new ArrayList<>();
        GeneralNames names = GeneralNames.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        for (GeneralName n : names.getNames()) {
            // Names are read strictly (SubjectAltName.ia5/utf8): a name that is not printable IA5 or well-formed
            // UTF-8 is left out rather than decoded as Latin-1 into an identity it does not say (Go's x509 refuses it).
            try {
                switch (n.getTagNo()) {
                    case GeneralName.dNSName -> dns.add(SubjectAltName.ia5(n, "dNSName"));
                    case GeneralName.rfc822Name -> email.add(SubjectAltName.ia5(n, "rfc822Name"));
                    case GeneralName.uniformResourceIdentifier -> uri.add(SubjectAltName.ia5(n, "uniformResourceIdentifier"));
                    case GeneralName.iPAddress -> ip.add(ipString(ASN1OctetString.getInstance(n.getName()).getOctets()));
                    case GeneralName.otherName -> {
                        ASN1Encodable value = OtherName.getInstance(n.getName()).getValue();
                        ASN1Primitive p = value.toASN1Primitive();
                        if (p instanceof ASN1TaggedObject t) {
                            p = t.getBaseObject().toASN1Primitive();
                        }
                        if (p instanceof ASN1UTF8String s) {
                            other.add(SubjectAltName.utf8(s, "otherName"));
                        } else if (p instanceof ASN1IA5String s) {
                            other.add(SubjectAltName.ia5(new GeneralName(GeneralName.rfc822Name, s), "otherName"));
                        }
                    }
                    default -> { }
                }
            } catch (InvalidFulcioExtensionException e) {
                // skipped: see above
            }
        }
        List<String> all = new ArrayList<>(dns);
        all.addAll(email);
        all.addAll(ip);
        all.addAll(uri);
        all.addAll(other);
        return all;
    }

    /** E-mail SANs of the signer certificate, lower-cased (Rekor's {@code EmailAddresses()}). */
    public List<String> emailAddresses() {
        if (certificates.isEmpty()) {
            return List.of();
        }
        byte[] ext = certificates.get(0).getExtensionValue(Extension.subjectAlternativeName.getId());
        if (ext == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (GeneralName n : GeneralNames.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getNames()) {
            if (n.getTagNo() == GeneralName.rfc822Name) {
                try {
                    out.add(SubjectAltName.ia5(n, "rfc822Name").toLowerCase(Locale.ROOT));
                } catch (InvalidFulcioExtensionException e) {
                    // not printable IA5: left out, as subjectAlternativeNames() does
                }
            }
        }
        return out;
    }

    private static String ipString(byte[] addr) {
        try {
            return java.net.InetAddress.getByAddress(addr).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return java.util.HexFormat.of().formatHex(addr);
        }
    }

    /** A short name of the key's algorithm for messages, as Rekor prints it ("ecdsa public key: P256"). */
    public String describe() {
        if (publicKey instanceof ECPublicKey ec) {
            return "ecdsa public key: P" + ec.getParams().getCurve().getField().getFieldSize();
        }
        if (publicKey instanceof RSAPublicKey rsa) {
            return "rsa public key: " + rsa.getModulus().bitLength();
        }
        return publicKey.getAlgorithm().toLowerCase(Locale.ROOT) + " public key";
    }

    /**
     * Verifies a signature over a message. ECDSA and RSA (PKCS#1 v1.5) hash the message with {@code hash};
     * Ed25519 signs the message itself.
     */
    public void verifyMessage(byte[] message, byte[] signature, HashAlgorithm hash)
            throws ProposedEntryException.SignatureInvalid {
        String alg = switch (publicKey.getAlgorithm()) {
            case "EC" -> hash.jcaName() + "withECDSA";
            case "RSA" -> hash.jcaName() + "withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new ProposedEntryException.SignatureInvalid(
                    "unsupported key algorithm " + publicKey.getAlgorithm());
        };
        verify(alg, message, signature);
    }

    /**
     * Verifies a signature over a precomputed digest, as Rekor's hashedrekord does: ECDSA over the digest, RSA
     * PKCS#1 v1.5 with the digest's DigestInfo, Ed25519ph (RFC 8032) over a SHA-512 digest.
     */
    public void verifyDigest(byte[] digest, byte[] signature, HashAlgorithm hash)
            throws ProposedEntryException.SignatureInvalid {
        if (digest.length != hash.length()) {
            throw new ProposedEntryException.SignatureInvalid("digest length does not match " + hash);
        }
        switch (publicKey.getAlgorithm()) {
            case "EC" -> {
                java.util.Optional<Ecdsa.Verifier> fast = Ecdsa.Verifier.of(publicKey);
                if (fast.isEmpty()) {
                    verify("NONEwithECDSA", digest, signature);
                    return;
                }
                boolean ok;
                try {
                    ok = fast.get().verifyDigest(digest, signature);
                } catch (java.security.SignatureException e) {
                    throw new ProposedEntryException.SignatureInvalid("invalid signature: " + e.getMessage(), e);
                }
                if (!ok) {
                    throw new ProposedEntryException.SignatureInvalid("invalid signature when validating " + describe());
                }
            }
            case "RSA" -> {
                byte[] digestInfo;
                try {
                    digestInfo = new DigestInfo(new AlgorithmIdentifier(hash.oid(), DERNull.INSTANCE), digest).getEncoded();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                verify("NONEwithRSA", digestInfo, signature);
            }
            case "Ed25519", "EdDSA" -> {
                if (hash != HashAlgorithm.SHA512) {
                    throw new ProposedEntryException.SignatureInvalid("ed25519ph requires a SHA-512 digest");
                }
                byte[] spki = publicKey.getEncoded();
                byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                if (signature.length != Ed25519.SIGNATURE_SIZE
                        || !Ed25519.verifyPrehash(signature, 0, raw, 0, new byte[0], digest, 0)) {
                    throw new ProposedEntryException.SignatureInvalid("invalid signature when validating ed25519ph signature");
                }
            }
            default -> throw new ProposedEntryException.SignatureInvalid(
                    "unsupported key algorithm " + publicKey.getAlgorithm());
        }
    }

    private void verify(String algorithm, byte[] data, byte[] signature) throws ProposedEntryException.SignatureInvalid {
        boolean ok;
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(publicKey);
            s.update(data);
            ok = s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ProposedEntryException.SignatureInvalid("invalid signature: " + e.getMessage(), e);
        }
        if (!ok) {
            throw new ProposedEntryException.SignatureInvalid("invalid signature when validating " + describe());
        }
    }

    /** Whether Rekor's default algorithm registry permits this key with {@code hash} for hashedrekord. */
    public boolean permitsHashedRekord(HashAlgorithm hash) {
        if (publicKey instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return (bits == 256 && hash == HashAlgorithm.SHA256)
                    || (bits == 384 && hash == HashAlgorithm.SHA384)
                    || (bits == 521 && hash == HashAlgorithm.SHA512);
        }
        if (publicKey instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return (bits == 2048 || bits == 3072 || bits == 4096) && hash == HashAlgorithm.SHA256;
        }
        return publicKey.getAlgorithm().startsWith("Ed") && hash == HashAlgorithm.SHA512;
    }

    /** Hash algorithms Rekor accepts for hashedrekord data and index keys. */
    public enum HashAlgorithm {
        SHA256("sha256", "SHA256", "SHA-256", 32, NISTObjectIdentifiers.id_sha256),
        SHA384("sha384", "SHA384", "SHA-384", 48, NISTObjectIdentifiers.id_sha384),
        SHA512("sha512", "SHA512", "SHA-512", 64, NISTObjectIdentifiers.id_sha512);

        private final String rekorName;
        private final String jcaName;
        private final String digestName;
        private final int length;
        private final org.bouncycastle.asn1.ASN1ObjectIdentifier oid;

        HashAlgorithm(String rekorName, String jcaName, String digestName, int length,
                org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
            this.rekorName = rekorName;
            this.jcaName = jcaName;
            this.digestName = digestName;
            this.length = length;
            this.oid = oid;
        }

        /** The name in Rekor's JSON ("sha256"). */
        public String rekorName() {
            return rekorName;
        }

        String jcaName() {
            return jcaName;
        }

        /** The JCA MessageDigest name ("SHA-256"). */
        public String digestName() {
            return digestName;
        }

        /** Digest length in bytes. */
        public int length() {
            return length;
        }

        org.bouncycastle.asn1.ASN1ObjectIdentifier oid() {
            return oid;
        }

        /** Digests data. */
        public byte[] digest(byte[] data) {
            try {
                return java.security.MessageDigest.getInstance(digestName).digest(data);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Looks up a Rekor algorithm name. */
        public static HashAlgorithm fromRekorName(String name) throws ProposedEntryException.UnsupportedAlgorithm {
            for (HashAlgorithm h : values()) {
                if (h.rekorName.equals(name)) {
                    return h;
                }
            }
            throw new ProposedEntryException.UnsupportedAlgorithm("unsupported hash algorithm: " + name);
        }
    }
}
