package dev.sigstack.tlog.rekor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.core.testing.Hostile;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Signature;
import dev.sigstore.proto.rekor.v2.Verifier;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated hostile proposed entries over HTTP to the Rekor v1 ({@code POST /api/v1/log/entries}) and v2
 * ({@code POST /api/v2/log/entries}) write APIs on the production engine (in-memory H2): structural JSON mutations
 * of valid hashedrekord, dsse and hashedRekordRequestV002 bodies, byte mutations and arbitrary bytes. Every answer is
 * a 2xx, or a 4xx with a JSON error carrying a message; never a 5xx.
 */
class RekorEntriesPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair V1_KEY = TestKeys.p256();
    private static final KeyPair V2_KEY = TestKeys.ed25519();
    private static TestLogs.SaturableLog v1;
    private static TestLogs.SaturableLog v2;
    private static WebServer server;
    private static HttpClient client;

    @BeforeContainer
    static void start() {
        v1 = TestLogs.v1("rekor.props.test", 77, V1_KEY);
        v2 = TestLogs.v2("log2026.props.test", V2_KEY);
        RekorLimits limits = new RekorLimits(64 * 1024, 100, Duration.ofSeconds(10));
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.register(new RekorV1Service(v1, V1_KEY, 77, limits))
                        .register(new RekorV2Service(v2, V2_KEY.getPublic(), limits)))
                .build().start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.stop();
        }
        v1.close();
        v2.close();
    }

    private static byte[] v1Sample(KeyPair kp, byte[] pem) {
        return dev.sigstack.tlog.HashedRekords.proposed(kp, pem, "props artifact".getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] v2Sample() throws Exception {
        KeyPair kp = TestKeys.p256();
        byte[] artifact = "v2 props artifact".getBytes(StandardCharsets.UTF_8);
        HashedRekordRequestV002 hr = HashedRekordRequestV002.newBuilder()
                .setDigest(ByteString.copyFrom(TestKeys.sha256(artifact)))
                .setSignature(Signature.newBuilder().setContent(ByteString.copyFrom(TestKeys.sign(kp, artifact)))
                        .setVerifier(Verifier.newBuilder().setKeyDetails(PublicKeyDetails.PKIX_ECDSA_P256_SHA_256)
                                .setX509Certificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(
                                        TestKeys.certificate(kp, "ci@example.com").getEncoded())))))
                .build();
        return JsonFormat.printer().print(CreateEntryRequest.newBuilder().setHashedRekordRequestV002(hr).build())
                .getBytes(StandardCharsets.UTF_8);
    }

    @Provide
    Arbitrary<byte[]> hostileV1() {
        KeyPair kp = TestKeys.p256();
        List<byte[]> s = List.of(v1Sample(kp, TestKeys.pem(kp)),
                v1Sample(kp, TestKeys.pem(TestKeys.certificate(kp, "a@example.com"))));
        return Arbitraries.oneOf(Hostile.jsonMutations(s), Hostile.jsonMutations(s), Hostile.mutations(s));
    }

    @Provide
    Arbitrary<byte[]> hostileV2() throws Exception {
        List<byte[]> s = List.of(v2Sample());
        return Arbitraries.oneOf(Hostile.jsonMutations(s), Hostile.jsonMutations(s), Hostile.mutations(s));
    }

    private static void post(String path, byte[] body) {
        HttpResponse<?> r = (HttpResponse<?>) Hostile.refusesCleanly(() -> client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        String text = (String) r.body();
        Statistics.label(path).collect(r.statusCode());
        assertTrue(r.statusCode() < 500, "status " + r.statusCode() + ": " + text);
        if (r.statusCode() >= 400) {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new AssertionError("status " + r.statusCode() + " with a body that is not JSON: " + text, e);
            }
            assertFalse(json == null || json.path("message").asText("").isBlank(), "no message: " + text);
        }
    }

    @Property(tries = 300)
    void postV1_mutatedProposal_2xxOr4xxJson(@ForAll("hostileV1") byte[] body) {
        post("/api/v1/log/entries", body);
    }

    @Property(tries = 300)
    void postV2_mutatedRequest_2xxOr4xxJson(@ForAll("hostileV2") byte[] body) {
        post("/api/v2/log/entries", body);
    }

    @Property(tries = 100)
    void post_arbitraryBytes_4xxJson(@ForAll byte[] body) {
        post("/api/v1/log/entries", body);
        post("/api/v2/log/entries", body);
    }
}
