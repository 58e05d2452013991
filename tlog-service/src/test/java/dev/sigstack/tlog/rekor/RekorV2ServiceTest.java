package dev.sigstack.tlog.rekor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.bundle.SigstoreBundle;
import dev.sigstack.core.bundle.TlogVerifier;
import dev.sigstack.core.rekor.RekorV2Entries;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.common.v1.MessageSignature;
import dev.sigstore.proto.common.v1.PublicKey;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Signature;
import dev.sigstore.proto.rekor.v2.Verifier;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Rekor v2 write API end to end: a {@code hashedRekordRequestV002} becomes a {@code TransparencyLogEntry} that
 * verifies inside a bundle the way sigstore clients check it (checkpoint named after the host, Ed25519 key hint of
 * the C2SP key hash, inclusion proof, body matching the bundle's signature and certificate).
 */
@ServerTest
final class RekorV2ServiceTest {
    static final String HOST = "log2026.rekor.sigstack.test";
    static final KeyPair LOG_KEY = TestKeys.ed25519();
    static final byte[] LOG_ID = RekorV2Entries.logId(HOST, LOG_KEY.getPublic());
    static final TestLogs.SaturableLog ENGINE = TestLogs.v2(HOST, LOG_KEY);
    static final int MAX_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Http1Client client;

    RekorV2ServiceTest(Http1Client client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.register(new RekorV2Service(ENGINE, LOG_KEY.getPublic(), new RekorLimits(MAX_BYTES, 100, Duration.ofSeconds(10))));
    }

    @AfterAll
    static void closeLog() {
        ENGINE.close();
    }

    record Answer(int status, String text, String logIndexHeader) {
        JsonNode json() {
            try {
                return JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }
    }

    private Answer post(String body) {
        try (var res = client.post("/api/v2/log/entries").header(HeaderValues.CONTENT_TYPE_JSON)
                .submit(body.getBytes(StandardCharsets.UTF_8))) {
            return new Answer(res.status().code(), res.entity().as(String.class),
                    res.headers().first(io.helidon.http.HeaderNames.create("x-log-index")).orElse(null));
        }
    }

    record Signed(byte[] artifact, byte[] digest, byte[] signature, java.security.cert.X509Certificate cert) { }

    private static Signed signed() {
        KeyPair kp = TestKeys.p256();
        byte[] artifact = ("v2 artifact " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        return new Signed(artifact, TestKeys.sha256(artifact), TestKeys.sign(kp, artifact), TestKeys.certificate(kp, "ci@example.com"));
    }

    private static String request(Signed s, PublicKeyDetails details) throws Exception {
        HashedRekordRequestV002 hr = HashedRekordRequestV002.newBuilder()
                .setDigest(ByteString.copyFrom(s.digest()))
                .setSignature(Signature.newBuilder()
                        .setContent(ByteString.copyFrom(s.signature()))
                        .setVerifier(Verifier.newBuilder()
                                .setKeyDetails(details)
                                .setX509Certificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(s.cert().getEncoded())))))
                .build();
        return JsonFormat.printer().print(CreateEntryRequest.newBuilder().setHashedRekordRequestV002(hr).build());
    }

    private static TrustedRoot trustedRoot() {
        return TrustedRoot.newBuilder().addTlogs(TransparencyLogInstance.newBuilder()
                .setBaseUrl("https://" + HOST)
                .setHashAlgorithm(HashAlgorithm.SHA2_256)
                .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(LOG_ID)))
                .setPublicKey(PublicKey.newBuilder()
                        .setRawBytes(ByteString.copyFrom(LOG_KEY.getPublic().getEncoded()))
                        .setKeyDetails(PublicKeyDetails.PKIX_ED25519)
                        .setValidFor(TimeRange.newBuilder().setStart(com.google.protobuf.Timestamp.newBuilder().setSeconds(0)))))
                .build();
    }

    @Test
    void create_hashedRekordV002_answers201WithEntryThatVerifiesInABundle() throws Exception {
        Signed s = signed();
        Answer a = post(request(s, PublicKeyDetails.PKIX_ECDSA_P256_SHA_256));
        assertEquals(201, a.status(), a.text());
        TransparencyLogEntry.Builder tle = TransparencyLogEntry.newBuilder();
        JsonFormat.parser().merge(a.text(), tle);
        assertEquals("hashedrekord", tle.getKindVersion().getKind());
        assertEquals("0.0.2", tle.getKindVersion().getVersion());
        assertArrayEquals(LOG_ID, tle.getLogId().getKeyId().toByteArray());
        assertEquals("0", a.json().path("integratedTime").asText(), "rekor-tiles writes unpopulated fields");
        assertTrue(tle.getInclusionProof().getCheckpoint().getEnvelope().startsWith(HOST + "\n"));

        Bundle bundle = Bundle.newBuilder()
                .setMediaType("application/vnd.dev.sigstore.bundle.v0.3+json")
                .setVerificationMaterial(VerificationMaterial.newBuilder()
                        .setCertificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(s.cert().getEncoded())))
                        .addTlogEntries(tle))
                .setMessageSignature(MessageSignature.newBuilder()
                        .setMessageDigest(HashOutput.newBuilder().setAlgorithm(HashAlgorithm.SHA2_256).setDigest(ByteString.copyFrom(s.digest())))
                        .setSignature(ByteString.copyFrom(s.signature())))
                .build();
        byte[] json = JsonFormat.printer().print(bundle).getBytes(StandardCharsets.UTF_8);
        assertDoesNotThrow(() -> new TlogVerifier(trustedRoot()).verify(SigstoreBundle.parse(json)));
    }

    @Test
    void create_hashedRekordOverDsse_verifiesInADsseBundle() throws Exception {
        KeyPair kp = TestKeys.p256();
        var cert = TestKeys.certificate(kp, "ci@example.com");
        byte[] payload = ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"n\":" + System.nanoTime() + "}")
                .getBytes(StandardCharsets.UTF_8);
        String type = "application/vnd.in-toto+json";
        byte[] pae = dev.sigstack.core.rekor.Dsse.pae(type, payload);
        byte[] sig = TestKeys.sign(kp, pae);
        Signed s = new Signed(pae, TestKeys.sha256(pae), sig, cert);
        Answer a = post(request(s, PublicKeyDetails.PKIX_ECDSA_P256_SHA_256));
        assertEquals(201, a.status(), a.text());
        TransparencyLogEntry.Builder tle = TransparencyLogEntry.newBuilder();
        JsonFormat.parser().merge(a.text(), tle);
        Bundle bundle = Bundle.newBuilder()
                .setMediaType("application/vnd.dev.sigstore.bundle.v0.3+json")
                .setVerificationMaterial(VerificationMaterial.newBuilder()
                        .setCertificate(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(cert.getEncoded())))
                        .addTlogEntries(tle))
                .setDsseEnvelope(io.intoto.EnvelopeOuterClass.Envelope.newBuilder()
                        .setPayload(ByteString.copyFrom(payload))
                        .setPayloadType(type)
                        .addSignatures(io.intoto.EnvelopeOuterClass.Signature.newBuilder().setSig(ByteString.copyFrom(sig))))
                .build();
        byte[] json = JsonFormat.printer().print(bundle).getBytes(StandardCharsets.UTF_8);
        assertDoesNotThrow(() -> new TlogVerifier(trustedRoot()).verify(SigstoreBundle.parse(json)));
    }

    @Test
    void create_dsseRequestV002_isRefusedAsRekorTilesDoes() {
        Answer a = post("{\"dsseRequestV002\":{\"envelope\":{\"payload\":\"e30=\",\"payloadType\":\"x\"}}}");
        assertEquals(400, a.status());
        assertEquals("invalid type, must be hashedrekord", a.json().path("message").asText());
    }

    @Test
    void create_duplicate_answers409() throws Exception {
        String req = request(signed(), PublicKeyDetails.PKIX_ECDSA_P256_SHA_256);
        Answer first = post(req);
        assertEquals(201, first.status());
        Answer again = post(req);
        assertEquals(409, again.status());
        assertEquals(first.json().path("logIndex").asText(), again.logIndexHeader());
        assertEquals(6, again.json().path("code").asInt(), "gRPC ALREADY_EXISTS");
    }

    @Test
    void create_signatureNotOverDigest_answers400() throws Exception {
        Signed s = signed();
        Signed other = new Signed(s.artifact(), TestKeys.sha256("other".getBytes(StandardCharsets.UTF_8)), s.signature(), s.cert());
        Answer a = post(request(other, PublicKeyDetails.PKIX_ECDSA_P256_SHA_256));
        assertEquals(400, a.status());
        assertEquals(3, a.json().path("code").asInt(), "gRPC INVALID_ARGUMENT");
        assertTrue(a.json().path("message").asText().contains("verifying signature"), a.text());
    }

    @Test
    void create_pureEd25519KeyDetails_answers400() throws Exception {
        Answer a = post(request(signed(), PublicKeyDetails.PKIX_ED25519));
        assertEquals(400, a.status());
        assertTrue(a.json().path("message").asText().contains("no associated digest algorithm"), a.text());
    }

    @Test
    void create_malformedOrEmpty_answers400() {
        assertEquals(400, post("{\"hashedRekordRequestV002\":").status());
        assertEquals(400, post("{}").status());
        assertEquals(400, post("{\"hashedRekordRequestV002\":{\"digest\":\"AAAA\"}}").status());
    }

    @Test
    void healthz_answersServingAsRekorTilesDoes() {
        // rekor-tiles internal/server/http.go: grpc-gateway's WithHealthzEndpoint, which its compose healthcheck greps
        try (var res = client.get("/healthz").request()) {
            assertEquals(200, res.status().code());
            assertEquals("application/json", res.headers().first(io.helidon.http.HeaderNames.CONTENT_TYPE).orElse(null));
            assertEquals("{\"status\":\"SERVING\"}\n", res.entity().as(String.class));
        }
    }

    @Test
    void create_oversized_answers413() {
        Answer a = post("{\"hashedRekordRequestV002\":{\"digest\":\"" + "A".repeat(MAX_BYTES) + "\"}}");
        assertEquals(413, a.status());
    }
}
