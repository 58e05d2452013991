package dev.sigstack.ca.keys;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.core.secrets.SecretFiles;

/**
 * CA key material on disk: a root and an intermediate (ECDSA P-384, as Fulcio's public instance), private keys as
 * PKCS#8 encrypted with AES-256-CBC under a password-derived key (PBKDF2), certificates as PEM.
 *
 * <p>Layout of a CA directory: {@code root.crt.pem}, {@code root.key.pem}, {@code intermediate.crt.pem},
 * {@code intermediate.key.pem}, {@code chain.pem} (intermediate then root). Rotation moves the current chain to
 * {@code previous/chain-<n>.pem}; previous chains stay in the trust bundle until they expire.
 */
public final class CaKeys {
    public static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    public static final Duration INTERMEDIATE_VALIDITY = Duration.ofDays(365);

    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private CaKeys() {
    }

    /** ECDSA P-384 (as Fulcio's public instance). */
    public static final String DEFAULT_CURVE = "secp384r1";

    /** Creates a root and an intermediate on P-384 in {@code dir}; refuses to overwrite an existing CA. */
    public static CaSigner create(Path dir, char[] password, String organization) throws IOException, GeneralSecurityException {
        return create(dir, password, organization, DEFAULT_CURVE);
    }

    /**
     * Creates a root and an intermediate on {@code curve} ({@code secp256r1} or {@code secp384r1}); refuses to
     * overwrite an existing CA. P-256 signs several times faster on the JDK than P-384.
     */
    public static CaSigner create(Path dir, char[] password, String organization, String curve)
            throws IOException, GeneralSecurityException {
        if (!curve.equals("secp256r1") && !curve.equals("secp384r1")) {
            throw new GeneralSecurityException("CA curve must be secp256r1 or secp384r1, not " + curve);
        }
        if (Files.exists(dir.resolve("chain.pem"))) {
            throw new IOException("a CA already exists in " + dir);
        }
        Files.createDirectories(dir);
        KeyPair rootKey = ec(curve);
        X509Certificate root = caCert(rootKey, rootKey.getPublic(), null, name(organization), ROOT_VALIDITY, -1, false);
        writeKey(dir.resolve("root.key.pem"), rootKey.getPrivate(), password);
        Files.writeString(dir.resolve("root.crt.pem"), Pem.certificate(root));
        return newIntermediate(dir, rootKey.getPrivate(), root, password, organization, curve);
    }

    /**
     * Rotates the intermediate: the current chain moves to {@code previous/}, a new intermediate is signed by the
     * root. Both chains stay valid (the old one until its notAfter), so verifiers holding either keep working.
     */
    public static CaSigner rotateIntermediate(Path dir, char[] password, String organization)
            throws IOException, GeneralSecurityException {
        Path prev = dir.resolve("previous");
        Files.createDirectories(prev);
        int n = 1;
        while (Files.exists(prev.resolve("chain-" + n + ".pem"))) {
            n++;
        }
        Files.move(dir.resolve("chain.pem"), prev.resolve("chain-" + n + ".pem"), StandardCopyOption.ATOMIC_MOVE);
        X509Certificate root = Pem.readCertificates(Files.readString(dir.resolve("root.crt.pem"))).getFirst();
        PrivateKey rootKey = readKey(dir.resolve("root.key.pem"), password);
        int bits = ((java.security.interfaces.ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize();
        return newIntermediate(dir, rootKey, root, password, organization, bits > 256 ? "secp384r1" : "secp256r1");
    }

    private static CaSigner newIntermediate(Path dir, PrivateKey rootKey, X509Certificate root, char[] password, String org,
                                            String curve) throws IOException, GeneralSecurityException {
        KeyPair key = ec(curve);
        X509Certificate intermediate = caCert(new KeyPair(root.getPublicKey(), rootKey), key.getPublic(), root,
            new X500Name("O=" + org + ",CN=" + org + "-intermediate"), INTERMEDIATE_VALIDITY, 0, true);
        writeKey(dir.resolve("intermediate.key.pem"), key.getPrivate(), password);
        Files.writeString(dir.resolve("intermediate.crt.pem"), Pem.certificate(intermediate));
        Files.writeString(dir.resolve("chain.pem"), Pem.certificate(intermediate) + Pem.certificate(root));
        return new CaSigner(key.getPrivate(), null, List.of(intermediate, root));
    }

    /** Loads the current intermediate signer of a CA directory. */
    public static CaSigner load(Path dir, char[] password) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = Pem.readCertificates(Files.readString(dir.resolve("chain.pem")));
        PrivateKey key = readKey(dir.resolve("intermediate.key.pem"), password);
        return new CaSigner(key, null, chain);
    }

    /** Chains of earlier intermediates that have not expired yet, for the trust bundle. */
    public static List<List<X509Certificate>> previousChains(Path dir, Instant now) throws IOException, CertificateException {
        List<List<X509Certificate>> out = new ArrayList<>();
        Path prev = dir.resolve("previous");
        if (!Files.isDirectory(prev)) {
            return out;
        }
        try (var files = Files.list(prev)) {
            for (Path p : files.sorted().toList()) {
                List<X509Certificate> chain = Pem.readCertificates(Files.readString(p));
                if (!chain.isEmpty() && chain.getFirst().getNotAfter().toInstant().isAfter(now)) {
                    out.add(chain);
                }
            }
        }
        return out;
    }

    static X500Name name(String org) {
        return new X500Name("O=" + org + ",CN=" + org);
    }

    static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** A CA certificate; {@code issuer} null means self-signed. Intermediates get EKU codeSigning, as Fulcio's. */
    public static X509Certificate caCert(KeyPair signer, PublicKey subjectKey, X509Certificate issuer, X500Name subject,
                                         Duration validity, int pathLen, boolean codeSigningEku) throws GeneralSecurityException {
        return caCert(signer.getPrivate(), null, subjectKey, issuer, subject, validity, pathLen, codeSigningEku);
    }

    /** As above, with the signing key held by {@code provider} (PKCS#11), or the default providers when null. */
    public static X509Certificate caCert(PrivateKey signer, java.security.Provider provider, PublicKey subjectKey,
                                         X509Certificate issuer, X500Name subject, Duration validity, int pathLen,
                                         boolean codeSigningEku) throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(1, serial),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), subject, subjectKey);
            JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.basicConstraints, true, pathLen < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLen));
            b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(subjectKey));
            if (issuer != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuer));
            }
            if (codeSigningEku) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            }
            String alg = signatureAlgorithm(issuer == null ? subjectKey : issuer.getPublicKey());
            JcaContentSignerBuilder sb = new JcaContentSignerBuilder(alg);
            if (provider != null) {
                sb.setProvider(provider);
            }
            ContentSigner cs = sb.build(signer);
            X509CertificateHolder h = b.build(cs);
            return new JcaX509CertificateConverter().getCertificate(h);
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot create CA certificate: " + e.getMessage(), e);
        }
    }

    static String signatureAlgorithm(PublicKey key) {
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return key instanceof java.security.interfaces.RSAPublicKey ? "SHA256withRSA" : "Ed25519";
    }

    /** Writes a private key as encrypted PKCS#8 PEM, readable by the owner only. */
    public static void writeKey(Path file, PrivateKey key, char[] password) throws IOException, GeneralSecurityException {
        if (password == null || password.length == 0) {
            throw new GeneralSecurityException("a password is required to store a CA key");
        }
        try {
            var enc = new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                .setProvider(BC).setPassword(password).setIterationCount(100_000).build();
            StringWriter sw = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
                w.writeObject(new JcaPKCS8Generator(key, enc));
            }
            SecretFiles.write(file, sw.toString().getBytes(StandardCharsets.US_ASCII)); // owner-only at creation, atomic
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot encrypt key: " + e.getMessage(), e);
        }
    }

    /** Reads an encrypted PKCS#8 PEM private key. A wrong password fails with a clear message. */
    public static PrivateKey readKey(Path file, char[] password) throws IOException, GeneralSecurityException {
        String text = Files.readString(file);
        try {
            if (password == null && Pem.isEncrypted(text)) {
                throw new GeneralSecurityException("key " + file + " is encrypted and no password was given");
            }
            return Pem.readKeyPair(text, password).getPrivate();
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("cannot read key " + file + ": " + e.getMessage(), e);
        }
    }
}
