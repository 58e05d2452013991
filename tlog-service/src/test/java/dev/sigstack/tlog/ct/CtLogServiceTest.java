package dev.sigstack.tlog.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.helidon.webserver.WebServer;

import dev.sigstack.core.ct.CtOids;
import dev.sigstack.core.ct.DigitallySigned;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.ct.SignedEntry;
import dev.sigstack.core.ct.TreeHead;

class CtLogServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KeyPair rootKey;
    private static X509Certificate root;
    private static KeyPair logKey;
    private static WebServer server;
    private static dev.sigstack.tlog.internal.Engines engines;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        rootKey = ec();
        root = cert(rootKey, rootKey.getPublic(), "CN=root", true, BigInteger.ONE);
        logKey = ec();
        engines = dev.sigstack.tlog.internal.Engines.open(
                "jdbc:h2:mem:" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4, "");
        CtLog log = new CtLog(engines.openLog("ct.test/ct", dev.sigstack.core.note.NoteKeys.ecdsaSigner("ct.test",
                logKey.getPrivate(), logKey.getPublic())).engine(), logKey.getPrivate(), logKey.getPublic(), List.of(root),
                Clock.systemUTC());
        server = WebServer.builder().port(0).host("127.0.0.1")
            .routing(r -> r.register(new CtLogService(log))).build().start();
        base = "http://127.0.0.1:" + server.port() + "/ct/v1/";
    }

    @AfterAll
    static void stop() {
        server.stop();
        engines.close();
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static X509Certificate cert(KeyPair issuer, java.security.PublicKey subject, String dn, boolean ca, BigInteger serial,
                                Extension... extra) throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=root"), serial,
            new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 3_600_000), new X500Name(dn), subject);
        if (ca) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
        }
        for (Extension e : extra) {
            b.addExtension(e);
        }
        X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(h);
    }

    private static X509Certificate precert(BigInteger serial) throws Exception {
        return cert(rootKey, ec().getPublic(), "CN=leaf", false, serial, new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
    }

    private static HttpResponse<String> post(String path, List<X509Certificate> chain) throws Exception {
        StringBuilder body = new StringBuilder("{\"chain\":[");
        for (int i = 0; i < chain.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(Base64.getEncoder().encodeToString(chain.get(i).getEncoded())).append('"');
        }
        body.append("]}");
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static Sct sct(String json) throws Exception {
        JsonNode n = JSON.readTree(json);
        return new Sct(Base64.getDecoder().decode(n.get("id").asText()), n.get("timestamp").asLong(), new byte[0],
            DigitallySigned.parse(Base64.getDecoder().decode(n.get("signature").asText())));
    }

    @Test
    void addPreChain_precert_returnsSctVerifyingWithLogKey() throws Exception {
        X509Certificate pre = precert(BigInteger.valueOf(100));
        HttpResponse<String> r = post("add-pre-chain", List.of(pre, root));
        assertEquals(200, r.statusCode(), r.body());
        Sct sct = sct(r.body());
        SignedEntry entry = Precertificates.precertEntry(new X509CertificateHolder(pre.getEncoded()), new X509CertificateHolder(root.getEncoded()));
        SctVerifier.verify(sct, entry, logKey.getPublic());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertArrayEquals(sha.digest(logKey.getPublic().getEncoded()), sct.logId());
    }

    @Test
    void addPreChain_sameCertTwice_sameTimestamp() throws Exception {
        X509Certificate pre = precert(BigInteger.valueOf(101));
        Sct a = sct(post("add-pre-chain", List.of(pre, root)).body());
        Thread.sleep(5);
        Sct b = sct(post("add-pre-chain", List.of(pre, root)).body());
        assertEquals(a.timestamp(), b.timestamp());
    }

    @Test
    void addPreChain_notPrecert_is400() throws Exception {
        X509Certificate leaf = cert(rootKey, ec().getPublic(), "CN=x", false, BigInteger.valueOf(102));
        HttpResponse<String> r = post("add-pre-chain", List.of(leaf, root));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("poison"), r.body());
    }

    @Test
    void addPreChain_forgedLeafAfterIssuerCached_is400() throws Exception {
        assertEquals(200, post("add-pre-chain", List.of(precert(BigInteger.valueOf(110)), root)).statusCode());
        KeyPair other = ec();
        X509Certificate forged = cert(other, ec().getPublic(), "CN=forged", false, BigInteger.valueOf(111),
            new Extension(CtOids.POISON, true, DERNull.INSTANCE.getEncoded()));
        HttpResponse<String> r = post("add-pre-chain", List.of(forged, root));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("not signed by the next"), r.body());
    }

    @Test
    void addPreChain_tamperedSignatureAfterIssuerCached_is400() throws Exception {
        assertEquals(200, post("add-pre-chain", List.of(precert(BigInteger.valueOf(112)), root)).statusCode());
        byte[] der = precert(BigInteger.valueOf(113)).getEncoded();
        der[der.length - 1] ^= 0x01; // last byte of the ECDSA signature's s
        HttpResponse<String> r = postDer("add-pre-chain", List.of(der, root.getEncoded()));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("not signed by the next"), r.body());
    }

    @Test
    void addPreChain_garbageLeafAfterIssuerCached_is400() throws Exception {
        assertEquals(200, post("add-pre-chain", List.of(precert(BigInteger.valueOf(114)), root)).statusCode());
        HttpResponse<String> r = postDer("add-pre-chain", List.of(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, root.getEncoded()));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("cannot be parsed"), r.body());
    }

    private static HttpResponse<String> postDer(String path, List<byte[]> chain) throws Exception {
        StringBuilder body = new StringBuilder("{\"chain\":[");
        for (int i = 0; i < chain.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(Base64.getEncoder().encodeToString(chain.get(i))).append('"');
        }
        body.append("]}");
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void addChain_unknownRoot_is400() throws Exception {
        KeyPair other = ec();
        X509Certificate otherRoot = cert(other, other.getPublic(), "CN=root", true, BigInteger.TWO);
        X509Certificate leaf = cert(other, ec().getPublic(), "CN=x", false, BigInteger.valueOf(103));
        HttpResponse<String> r = post("add-chain", List.of(leaf, otherRoot));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("accepted root"), r.body());
    }

    @Test
    void addChain_garbageBody_is400() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "add-chain"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"chain\": 5}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
    }

    @Test
    void getSth_afterAdds_signedAndProofsVerify() throws Exception {
        X509Certificate leaf = cert(rootKey, ec().getPublic(), "CN=y", false, BigInteger.valueOf(104));
        assertEquals(200, post("add-chain", List.of(leaf, root)).statusCode());
        JsonNode sth = get("get-sth");
        long size = sth.get("tree_size").asLong();
        byte[] rootHash = Base64.getDecoder().decode(sth.get("sha256_root_hash").asText());
        TreeHead head = new TreeHead(sth.get("timestamp").asLong(), size, rootHash);
        DigitallySigned sig = DigitallySigned.parse(Base64.getDecoder().decode(sth.get("tree_head_signature").asText()));
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(logKey.getPublic());
        v.update(head.signatureInput());
        assertTrue(v.verify(sig.signature()));

        JsonNode entries = get("get-entries?start=0&end=" + (size - 1));
        assertEquals(size, entries.get("entries").size());
        byte[] lastLeaf = Base64.getDecoder().decode(entries.get("entries").get((int) size - 1).get("leaf_input").asText());
        byte[] leafHash = CtLog.leafHash(lastLeaf);
        String q = java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(leafHash), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode proof = get("get-proof-by-hash?hash=" + q + "&tree_size=" + size);
        assertEquals(size - 1, proof.get("leaf_index").asLong());
        List<byte[]> path = new java.util.ArrayList<>();
        proof.get("audit_path").forEach(n -> path.add(Base64.getDecoder().decode(n.asText())));
        assertArrayEquals(rootHash, rootFromInclusion(size - 1, size, leafHash, path));
        JsonNode roots = get("get-roots");
        assertEquals(Base64.getEncoder().encodeToString(root.getEncoded()), roots.get("certificates").get(0).asText());
        assertEquals(0, get("get-sth-consistency?first=" + size + "&second=" + size).get("consistency").size());
    }

    @Test
    void getProofByHash_unknownHash_is404() throws Exception {
        post("add-chain", List.of(cert(rootKey, ec().getPublic(), "CN=z", false, BigInteger.valueOf(105)), root));
        String h = java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(new byte[32]), java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "get-proof-by-hash?hash=" + h + "&tree_size=1")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
    }

    /** RFC 9162 §2.1.3.2 inclusion verification. */
    static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> path) throws Exception {
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                throw new AssertionError("path too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        assertEquals(0, sn);
        return r;
    }

    private static byte[] node(byte[] l, byte[] r) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update((byte) 1);
        md.update(l);
        return md.digest(r);
    }

    /** Regression: TlogServer with Api.CT once served these paths at the root, where no CT client posts. */
    @Test
    void tlogServer_ctApi_servedUnderCtV1(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dataDir) throws Exception {
        try (dev.sigstack.tlog.TlogServer s = dev.sigstack.tlog.TlogServer.start(
                dev.sigstack.tlog.TlogServer.Config.defaults(dataDir).withHostname("ct.test").withCtRoots(List.of(root))
                        .withApi(dev.sigstack.tlog.TlogServer.Api.CT), null)) {
            String b = "http://127.0.0.1:" + s.port() + "/ct/v1/";
            HttpResponse<String> sth = HTTP.send(HttpRequest.newBuilder(URI.create(b + "get-sth")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sth.statusCode(), sth.body());
            assertTrue(sth.body().contains("tree_head_signature"), sth.body());
            HttpResponse<String> empty = HTTP.send(HttpRequest.newBuilder(URI.create(b + "add-pre-chain"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"chain\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, empty.statusCode(), "routed, and refuses an empty chain: " + empty.body());
        }
    }
}
