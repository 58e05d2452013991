package dev.sigstack.ca.tsa;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.ca.keys.CaKeys;

/**
 * An RFC 3161 timestamp authority on BouncyCastle's TSP classes. The signing certificate carries a critical EKU
 * timeStamping (RFC 3161 §2.3) and only that. Accepted message imprints: SHA-256, SHA-384, SHA-512 (as sigstore's
 * timestamp-authority). ESSCertIDv2 with SHA-256 identifies the signer. As timestamp-authority with its defaults
 * ({@code accepted-policy-oids} = its default policy, {@code allow-custom-extensions} off), a request naming another
 * policy or carrying extensions is rejected: the token would otherwise assert a policy this TSA does not follow, or
 * carry whatever the caller put into the signed TSTInfo.
 */
public final class TimestampAuthority {
    /** The default policy OID (sigstore timestamp-authority's default). */
    public static final ASN1ObjectIdentifier DEFAULT_POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2");
    private static final Set<ASN1ObjectIdentifier> ACCEPTED = Set.of(TSPAlgorithms.SHA256, TSPAlgorithms.SHA384, TSPAlgorithms.SHA512);

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final TimeStampResponseGenerator generator;

    public TimestampAuthority(PrivateKey key, List<X509Certificate> chain, Clock clock) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.clock = clock;
        try {
            SignerInfoGenerator sig = new JcaSimpleSignerInfoGeneratorBuilder().build(algorithm(), key, chain.getFirst());
            TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(sig,
                new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                DEFAULT_POLICY);
            tokens.addCertificates(new JcaCertStore(chain));
            this.generator = new TimeStampResponseGenerator(tokens, ACCEPTED, Set.of(DEFAULT_POLICY), Set.of());
        } catch (OperatorCreationException | TSPException | CertificateEncodingException e) {
            throw new IllegalStateException("TSA key or certificate is unusable: " + e.getMessage(), e);
        }
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    private String algorithm() {
        return chain.getFirst().getPublicKey() instanceof java.security.interfaces.RSAPublicKey ? "SHA256withRSA" : "SHA256withECDSA";
    }

    /**
     * Answers a request. Requests with an unaccepted algorithm, a bad imprint length, another policy or any
     * extension get a rejection response (status 2) as RFC 3161 §2.4.2 says, not an exception.
     */
    public TimeStampResponse respond(TimeStampRequest request) {
        try {
            BigInteger serial = new BigInteger(128, random);
            synchronized (generator) {
                return generator.generate(request, serial, Date.from(clock.instant()));
            }
        } catch (TSPException e) {
            try {
                return generator.generateRejectedResponse(e);
            } catch (TSPException e2) {
                throw new IllegalStateException(e2);
            }
        }
    }

    /** Creates a TSA key and a two-certificate chain (TSA leaf, TSA root) in {@code dir}, or loads them. */
    public static TimestampAuthority createOrLoad(Path dir, char[] password, String org, Clock clock)
            throws IOException, GeneralSecurityException {
        Path keyFile = dir.resolve("tsa.key.pem");
        Path chainFile = dir.resolve("tsa-chain.pem");
        if (Files.exists(keyFile) && Files.exists(chainFile)) {
            return new TimestampAuthority(CaKeys.readKey(keyFile, password), Pem.readCertificates(Files.readString(chainFile)), clock);
        }
        Files.createDirectories(dir);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair rootKey = g.generateKeyPair();
        X509Certificate root = CaKeys.caCert(rootKey, rootKey.getPublic(), null, new X500Name("O=" + org + ",CN=" + org + "-tsa-root"),
            CaKeys.ROOT_VALIDITY, 0, false);
        KeyPair leafKey = g.generateKeyPair();
        X509Certificate leaf = leaf(rootKey, root, leafKey, org);
        CaKeys.writeKey(keyFile, leafKey.getPrivate(), password);
        Files.writeString(chainFile, Pem.certificate(leaf) + Pem.certificate(root));
        return new TimestampAuthority(leafKey.getPrivate(), List.of(leaf, root), clock);
    }

    /** A TSA signing certificate: KeyUsage digitalSignature, critical EKU timeStamping only. */
    public static X509Certificate leaf(KeyPair issuerKey, X509Certificate issuer, KeyPair key, String org) throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(365))),
                new javax.security.auth.x500.X500Principal("O=" + org + ",CN=" + org + "-tsa"), key.getPublic());
            JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(key.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuer));
            return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKey.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot create TSA certificate: " + e.getMessage(), e);
        }
    }
}
