package dev.sigstack.monitor;

import dev.sigstack.core.rekor.CanonicalEntry;
import dev.sigstack.core.rekor.ProposedEntries;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.x509.FulcioExtensions;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.TlogServer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real tlog-service on loopback, and real Rekor hashedrekord entries: a Fulcio-profile certificate minted for
 * each identity by a test CA, a real ECDSA signature over a random artifact digest, canonicalized by the same code
 * the Rekor API uses, appended through the log engine.
 */
final class TestLog implements AutoCloseable {
    static final String HOST = "log.test";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
    private static final KeyPair CA = p256();

    final TlogServer server;
    final Path dir;

    private TestLog(TlogServer server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    /** Starts a log in {@code dir}; with {@code keyFrom}, it signs with that other log's key (a fork). */
    static TestLog start(Path dir, TestLog keyFrom) throws Exception {
        Files.createDirectories(dir);
        if (keyFrom != null) {
            Files.copy(keyFrom.dir.resolve("tlog-key.pem"), dir.resolve("tlog-key.pem"));
        }
        return new TestLog(TlogServer.start(TlogServer.Config.defaults(dir).withHostname(HOST), null), dir);
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** An identity to sign as. */
    record Id(String subject, String issuer, Map<FulcioOid, String> ci) {
        Id(String subject, String issuer) {
            this(subject, issuer, Map.of());
        }
    }

    /** A signed artifact that was appended: its index, digest and body. */
    record Appended(long index, String digest, byte[] body) { }

    /** Appends a hashedrekord entry signed by {@code id} over a random artifact; waits until it is integrated. */
    Appended append(Id id) throws Exception {
        byte[] digest = new byte[32];
        RANDOM.nextBytes(digest);
        return append(id, digest);
    }

    Appended append(Id id, byte[] digest) throws Exception {
        Appended a = appendNoWait(id, digest);
        server.engine().awaitIntegrated(a.index(), Duration.ofSeconds(30));
        return a;
    }

    Appended appendNoWait(Id id, byte[] digest) throws Exception {
        KeyPair kp = p256();
        X509Certificate cert = certificate(kp, id);
        byte[] body = proposedHashedRekord(kp, PublicKeyMaterial.pem("CERTIFICATE", cert.getEncoded()), digest);
        CanonicalEntry e = ProposedEntries.canonicalize(body);
        LogEngine.Sequenced s = server.engine().add(new LogEngine.NewEntry(e.body(), e.leafHash(), e.indexKeys(), null));
        return new Appended(s.index(), "sha256:" + HexFormat.of().formatHex(digest), e.body());
    }

    /** Appends an entry signed by a bare key (no certificate). */
    Appended appendWithKey(KeyPair kp) throws Exception {
        byte[] digest = new byte[32];
        RANDOM.nextBytes(digest);
        byte[] body = proposedHashedRekord(kp, PublicKeyMaterial.pem("PUBLIC KEY", kp.getPublic().getEncoded()), digest);
        CanonicalEntry e = ProposedEntries.canonicalize(body);
        LogEngine.Sequenced s = server.engine().add(new LogEngine.NewEntry(e.body(), e.leafHash(), e.indexKeys(), null));
        server.engine().awaitIntegrated(s.index(), Duration.ofSeconds(30));
        return new Appended(s.index(), "sha256:" + HexFormat.of().formatHex(digest), e.body());
    }

    /** Appends raw leaf data that is not a Rekor body. */
    long appendRaw(byte[] data) throws Exception {
        LogEngine.Sequenced s = server.engine().add(new LogEngine.NewEntry(data, sha256(data), java.util.List.of(), null));
        server.engine().awaitIntegrated(s.index(), Duration.ofSeconds(30));
        return s.index();
    }

    static byte[] proposedHashedRekord(KeyPair kp, String pem, byte[] digest) throws Exception {
        Signature s = Signature.getInstance("NONEwithECDSA");
        s.initSign(kp.getPrivate());
        s.update(digest);
        byte[] sig = s.sign();
        String json = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":"
                + "\"sha256\",\"value\":\"" + HexFormat.of().formatHex(digest) + "\"}},\"signature\":{\"content\":\""
                + Base64.getEncoder().encodeToString(sig) + "\",\"publicKey\":{\"content\":\""
                + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\"}}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A Fulcio-profile leaf: empty subject, one critical SAN, the issuer in .1 and .8, CI extensions. */
    static X509Certificate certificate(KeyPair kp, Id id) throws Exception {
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=sigstore-intermediate,O=sigstore.test"),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(600)), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), kp.getPublic());
        SubjectAltName san = id.subject().contains("@") && !id.subject().contains("://")
                ? SubjectAltName.email(id.subject()) : SubjectAltName.uri(id.subject());
        b.addExtension(san.toExtension());
        FulcioExtensions.Builder fx = FulcioExtensions.builder(id.issuer());
        id.ci().forEach(fx::set);
        for (Extension e : fx.build().toExtensions()) {
            b.addExtension(e);
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(CA.getPrivate())));
    }

    static KeyPair p256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    @Override
    public void close() {
        server.close();
    }
}
