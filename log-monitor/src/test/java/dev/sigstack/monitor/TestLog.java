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
 * A real tlog-service serving the Rekor v1 API on loopback, and real Rekor hashedrekord entries: a Fulcio-profile
 * certificate minted for each identity by a test CA and a real ECDSA signature over a random artifact digest,
 * posted to {@code POST /api/v1/log/entries} as cosign does. (Only bodies the API would refuse, and the benchmark's
 * bulk load, go through the log engine directly.)
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
        return new TestLog(TlogServer.start(TlogServer.Config.defaults(dir).withHostname(HOST)
                .withApi(TlogServer.Api.REKOR_V1), null), dir);
    }

    /** The Rekor v1 tree ID of this log. */
    long treeId() {
        return TlogServer.treeId(server.publicKey());
    }

    /** The checkpoint origin: Rekor's {@code "<hostname> - <treeID>"}. */
    String origin() {
        return HOST + " - " + treeId();
    }

    /** The monitor's verifier for this log's checkpoints. */
    dev.sigstack.core.note.NoteVerifier verifier() {
        return MonitorService.ecdsaKey(HOST, server.publicKey());
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

    /**
     * A signed artifact that was appended.
     *
     * @param index its log index
     * @param digest the artifact digest, {@code sha256:<hex>}
     * @param body the canonical body
     * @param uuid the entry UUID the Rekor API answered with
     */
    record Appended(long index, String digest, byte[] body, String uuid) { }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Posts a proposed entry to the Rekor v1 API; answers the UUID and the entry's fields. */
    Appended post(byte[] proposed, String digest) throws Exception {
        java.net.http.HttpResponse<String> res;
        for (int attempt = 0; ; attempt++) {
            res = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url() + "/api/v1/log/entries"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(proposed)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 503 || attempt == 50) {
                break;
            }
            Thread.sleep(20); // pushback: the sequencer's queue is full
        }
        if (res.statusCode() != 201) {
            throw new IllegalStateException("Rekor API answered " + res.statusCode() + ": " + res.body());
        }
        var root = JSON.readTree(res.body());
        String uuid = root.fieldNames().next();
        var e = root.get(uuid);
        return new Appended(e.get("logIndex").asLong(), digest, Base64.getDecoder().decode(e.get("body").asText()), uuid);
    }

    /** Appends a hashedrekord entry signed by {@code id} over a random artifact; waits until it is integrated. */
    Appended append(Id id) throws Exception {
        byte[] digest = new byte[32];
        RANDOM.nextBytes(digest);
        return append(id, digest);
    }

    /** Posts a hashedrekord entry signed by {@code id} over {@code digest}; Rekor answers once it is integrated. */
    Appended append(Id id, byte[] digest) throws Exception {
        KeyPair kp = p256();
        X509Certificate cert = certificate(kp, id);
        byte[] body = proposedHashedRekord(kp, PublicKeyMaterial.pem("CERTIFICATE", cert.getEncoded()), digest);
        return post(body, "sha256:" + HexFormat.of().formatHex(digest));
    }

    /** An in-toto statement about {@code digest}, as cosign attest writes one. */
    static byte[] statement(String digest) {
        return ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"registry.internal/app\","
                + "\"digest\":{\"sha256\":\"" + digest + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\","
                + "\"predicate\":{}}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] signPae(KeyPair kp, byte[] payload) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(dev.sigstack.core.rekor.Dsse.pae(dev.sigstack.core.rekor.Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        return s.sign();
    }

    /** Posts a {@code dsse} 0.0.1 attestation signed by {@code id} (cosign attest --tlog-upload, new format). */
    Appended appendDsse(Id id, byte[] payload) throws Exception {
        KeyPair kp = p256();
        String pem = PublicKeyMaterial.pem("CERTIFICATE", certificate(kp, id).getEncoded());
        String env = "{\"payloadType\":\"" + dev.sigstack.core.rekor.Dsse.IN_TOTO_PAYLOAD_TYPE + "\",\"payload\":\""
                + Base64.getEncoder().encodeToString(payload) + "\",\"signatures\":[{\"keyid\":\"\",\"sig\":\""
                + Base64.getEncoder().encodeToString(signPae(kp, payload)) + "\"}]}";
        String json = "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"proposedContent\":{\"envelope\":"
                + JSON.writeValueAsString(env) + ",\"verifiers\":[\""
                + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\"]}}}";
        return post(json.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Posts an {@code intoto} 0.0.2 attestation signed by {@code id} (cosign attest, legacy format). */
    Appended appendIntoto(Id id, byte[] payload) throws Exception {
        KeyPair kp = p256();
        String pem = PublicKeyMaterial.pem("CERTIFICATE", certificate(kp, id).getEncoded());
        Base64.Encoder b64 = Base64.getEncoder();
        String payloadB64 = b64.encodeToString(payload);
        String sigB64 = b64.encodeToString(signPae(kp, payload));
        String json = "{\"apiVersion\":\"0.0.2\",\"kind\":\"intoto\",\"spec\":{\"content\":{\"envelope\":{"
                + "\"payloadType\":\"" + dev.sigstack.core.rekor.Dsse.IN_TOTO_PAYLOAD_TYPE + "\",\"payload\":\""
                + b64.encodeToString(payloadB64.getBytes(StandardCharsets.UTF_8)) + "\",\"signatures\":[{\"sig\":\""
                + b64.encodeToString(sigB64.getBytes(StandardCharsets.UTF_8)) + "\",\"publicKey\":\""
                + b64.encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\"}]},\"hash\":{\"algorithm\":\"sha256\","
                + "\"value\":\"" + "cd".repeat(32) + "\"}}}}";
        return post(json.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Appends an entry signed by a bare key (no certificate). */
    Appended appendWithKey(KeyPair kp) throws Exception {
        byte[] digest = new byte[32];
        RANDOM.nextBytes(digest);
        byte[] body = proposedHashedRekord(kp, PublicKeyMaterial.pem("PUBLIC KEY", kp.getPublic().getEncoded()), digest);
        return post(body, "sha256:" + HexFormat.of().formatHex(digest));
    }

    /** Appends raw leaf data that is not a Rekor body (the Rekor API would refuse it: engine only). */
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
