package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.Dsse;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.tlog.internal.Databases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One hostile entry never harms another, over Rekor v1 on a real socket: an entry whose certificate has a 601-char
 * e-mail SAN and an intoto statement with 50,000 subjects are submitted among honest hashedrekord entries, all at
 * once. Every entry is logged (the hostile ones with a bounded subset of their index keys), and every honest one
 * is answered 201 and can be read back and found by its artifact hash.
 */
final class HostileIndexKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int HONEST = 64;
    private static final int SUBJECTS = 50_000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void post_hostileIndexKeysAmongHonestEntries_everyHonestEntryLogged(String store) throws Exception {
        String url = store.equals("h2") ? Databases.h2(dir) : Databases.postgres();
        try (TlogServer server = TlogServer.start(TlogServer.Config.defaults(dir).withHostname("hostile.test")
                .withJdbcUrl(url).withApi(TlogServer.Api.REKOR_V1), null)) {
            String base = "http://127.0.0.1:" + server.port();
            KeyPair kp = TestKeys.p256();
            String longEmail = "a".repeat(601 - "@example.com".length()) + "@example.com";
            X509Certificate cert = TestKeys.certificate(kp, longEmail);
            byte[] longSan = HashedRekords.proposed(kp, TestKeys.pem(cert), "long san".getBytes(StandardCharsets.UTF_8));
            byte[] manySubjects = intoto(kp, statement(SUBJECTS));

            ExecutorService pool = Executors.newFixedThreadPool(24);
            try {
                List<Future<HttpResponse<String>>> honest = new ArrayList<>();
                List<byte[]> artifacts = new ArrayList<>();
                Future<HttpResponse<String>> hostileSan = null;
                Future<HttpResponse<String>> hostileIntoto = null;
                for (int i = 0; i < HONEST; i++) {
                    byte[] artifact = ("honest artifact " + i).getBytes(StandardCharsets.UTF_8);
                    artifacts.add(artifact);
                    byte[] body = HashedRekords.proposed(kp, TestKeys.pem(kp), artifact);
                    honest.add(pool.submit(() -> post(base, body)));
                    if (i == HONEST / 4) {
                        hostileIntoto = pool.submit(() -> post(base, manySubjects));
                    }
                    if (i == HONEST / 2) {
                        hostileSan = pool.submit(() -> post(base, longSan));
                    }
                }
                for (int i = 0; i < HONEST; i++) {
                    HttpResponse<String> r = honest.get(i).get();
                    assertEquals(201, r.statusCode(), r.body());
                    HashedRekords.Created c = HashedRekords.parseCreated(r.body());
                    HttpResponse<String> got = HTTP.send(HttpRequest.newBuilder(
                            URI.create(base + "/api/v1/log/entries/" + c.uuid())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, got.statusCode(), got.body());
                    assertArrayEquals(c.body(), HashedRekords.parseCreated(got.body()).body());
                    String hash = HexFormat.of().formatHex(TestKeys.sha256(artifacts.get(i)));
                    assertEquals(List.of(c.uuid()), search(base, JSON.createObjectNode().put("hash", "sha256:" + hash)));
                }
                // the hostile entries are logged too, their index keys bounded
                HttpResponse<String> san = hostileSan.get();
                assertEquals(201, san.statusCode(), san.body());
                String sanUuid = HashedRekords.parseCreated(san.body()).uuid();
                assertEquals(List.of(), search(base, JSON.createObjectNode().put("email", longEmail)),
                        "a key over 512 chars is not indexed");
                String artifactHash = HexFormat.of().formatHex(TestKeys.sha256("long san".getBytes(StandardCharsets.UTF_8)));
                assertEquals(List.of(sanUuid), search(base, JSON.createObjectNode().put("hash", artifactHash)));

                HttpResponse<String> intoto = hostileIntoto.get();
                assertEquals(201, intoto.statusCode(), intoto.body());
                String intotoUuid = HashedRekords.parseCreated(intoto.body()).uuid();
                assertEquals(List.of(intotoUuid), search(base, JSON.createObjectNode().put("hash", subjectDigest(0))));
                assertEquals(List.of(), search(base, JSON.createObjectNode().put("hash", subjectDigest(SUBJECTS - 1))),
                        "keys past the first " + dev.sigstack.tlog.LogEngine.MAX_INDEX_KEYS + " are not indexed");
                // a search for a key the log never stores is answered (no hits), not failed: PostgreSQL refuses
                // U+0000 in a query parameter as it does in a stored key
                assertEquals(List.of(), search(base, JSON.createObjectNode().put("email", "a\u0000b@example.com")));
                assertEquals(List.of(), search(base, JSON.createObjectNode().put("email", "x".repeat(1 << 20))));
                assertEquals(HONEST + 2, server.engine().awaitIntegrated(HONEST + 1,
                        java.time.Duration.ofSeconds(30)).size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static HttpResponse<String> post(String base, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/log/entries"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> search(String base, ObjectNode query) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/index/retrieve"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> out = new ArrayList<>();
        JSON.readTree(r.body()).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String subjectDigest(int i) {
        return "sha256:" + HexFormat.of().formatHex(TestKeys.sha256(("subject " + i).getBytes(StandardCharsets.UTF_8)));
    }

    /** An in-toto v1 statement with {@code n} subjects, each with its own SHA-256 digest. */
    private static byte[] statement(int n) {
        ObjectNode s = JSON.createObjectNode();
        s.put("_type", "https://in-toto.io/Statement/v1");
        ArrayNode subjects = s.putArray("subject");
        for (int i = 0; i < n; i++) {
            subjects.addObject().put("name", "f" + i).putObject("digest").put("sha256", subjectDigest(i).substring(7));
        }
        s.put("predicateType", "https://example.com/test");
        s.putObject("predicate");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An intoto 0.0.2 proposed entry: {@code payload} in a DSSE envelope signed by {@code kp} (Rekor's encoding). */
    private static byte[] intoto(KeyPair kp, byte[] payload) {
        String payloadB64 = Base64.getEncoder().encodeToString(payload);
        byte[] sig = TestKeys.sign(kp, Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "0.0.2");
        o.put("kind", "intoto");
        ObjectNode content = o.putObject("spec").putObject("content");
        ObjectNode env = content.putObject("envelope");
        env.put("payloadType", Dsse.IN_TOTO_PAYLOAD_TYPE);
        env.put("payload", Base64.getEncoder().encodeToString(payloadB64.getBytes(StandardCharsets.UTF_8)));
        ObjectNode s = env.putArray("signatures").addObject();
        s.put("sig", Base64.getEncoder().encodeToString(
                Base64.getEncoder().encodeToString(sig).getBytes(StandardCharsets.UTF_8)));
        s.put("publicKey", Base64.getEncoder().encodeToString(TestKeys.pem(kp)));
        content.putObject("hash").put("algorithm", "sha256").put("value", "cd".repeat(32));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
