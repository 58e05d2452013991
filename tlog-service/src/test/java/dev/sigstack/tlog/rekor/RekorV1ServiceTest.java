package dev.sigstack.tlog.rekor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.sigstack.core.bundle.TlogVerifier;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.common.v1.PublicKey;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.rekor.v1.Checkpoint;
import dev.sigstore.proto.rekor.v1.InclusionPromise;
import dev.sigstore.proto.rekor.v1.InclusionProof;
import dev.sigstore.proto.rekor.v1.KindVersion;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Rekor v1 API end to end over HTTP: answers are checked field by field and then verified the way a sigstore
 * client verifies them (SET, inclusion proof, checkpoint) with {@link TlogVerifier}. The log is the production
 * engine on in-memory H2.
 */
@ServerTest
final class RekorV1ServiceTest {
    static final String HOST = "rekor.sigstack.test";
    static final long TREE_ID = 0x1234abcd5678L;
    static final KeyPair LOG_KEY = TestKeys.p256();
    static final TestLogs.SaturableLog ENGINE = TestLogs.v1(HOST, TREE_ID, LOG_KEY);
    static final int MAX_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Http1Client client;

    RekorV1ServiceTest(Http1Client client) {
        this.client = client;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.register(new RekorV1Service(ENGINE, LOG_KEY, TREE_ID, new RekorLimits(MAX_BYTES, 100, Duration.ofSeconds(10))));
    }

    @AfterAll
    static void closeLog() {
        ENGINE.close();
    }

    record Answer(int status, JsonNode json, String text, String location, String etag, String retryAfter) { }

    private Answer send(HttpClientResponse res) {
        try (res) {
            String text = res.entity().as(String.class);
            JsonNode json = null;
            try {
                json = text.isEmpty() ? null : JSON.readTree(text);
            } catch (Exception e) {
                // not JSON (the PEM answer)
            }
            return new Answer(res.status().code(), json, text,
                    res.headers().first(HeaderNames.LOCATION).orElse(null),
                    res.headers().first(HeaderNames.ETAG).orElse(null),
                    res.headers().first(HeaderNames.RETRY_AFTER).orElse(null));
        }
    }

    private Answer post(String path, String body) {
        return send(client.post(path).header(HeaderValues.CONTENT_TYPE_JSON).submit(body.getBytes(StandardCharsets.UTF_8)));
    }

    private Answer get(String path, String... query) {
        var req = client.get(path);
        for (int i = 0; i < query.length; i += 2) {
            req.queryParam(query[i], query[i + 1]);
        }
        return send(req.request());
    }

    private static String hashedRekord(KeyPair kp, byte[] pem, byte[] artifact) {
        return new String(dev.sigstack.tlog.HashedRekords.proposed(kp, pem, artifact), StandardCharsets.UTF_8);
    }

    private static String freshEntry() {
        KeyPair kp = TestKeys.p256();
        return hashedRekord(kp, TestKeys.pem(kp), ("artifact " + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
    }

    private static Map.Entry<String, JsonNode> only(JsonNode logEntry) {
        Iterator<Map.Entry<String, JsonNode>> it = logEntry.fields();
        Map.Entry<String, JsonNode> e = it.next();
        assertTrue(!it.hasNext(), "one entry per LogEntry object");
        return e;
    }

    /** A v1 LogEntry as the TransparencyLogEntry a client puts in its bundle. */
    static TransparencyLogEntry toTle(JsonNode anon) throws Exception {
        byte[] body = Base64.getDecoder().decode(anon.path("body").asText());
        JsonNode parsed = JSON.readTree(body);
        JsonNode proof = anon.path("verification").path("inclusionProof");
        InclusionProof.Builder p = InclusionProof.newBuilder()
                .setLogIndex(proof.path("logIndex").asLong())
                .setTreeSize(proof.path("treeSize").asLong())
                .setRootHash(ByteString.copyFrom(HexFormat.of().parseHex(proof.path("rootHash").asText())))
                .setCheckpoint(Checkpoint.newBuilder().setEnvelope(proof.path("checkpoint").asText()));
        for (JsonNode h : proof.path("hashes")) {
            p.addHashes(ByteString.copyFrom(HexFormat.of().parseHex(h.asText())));
        }
        return TransparencyLogEntry.newBuilder()
                .setLogIndex(anon.path("logIndex").asLong())
                .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(HexFormat.of().parseHex(anon.path("logID").asText()))))
                .setKindVersion(KindVersion.newBuilder().setKind(parsed.path("kind").asText()).setVersion(parsed.path("apiVersion").asText()))
                .setIntegratedTime(anon.path("integratedTime").asLong())
                .setInclusionPromise(InclusionPromise.newBuilder().setSignedEntryTimestamp(
                        ByteString.copyFrom(Base64.getDecoder().decode(anon.path("verification").path("signedEntryTimestamp").asText()))))
                .setInclusionProof(p)
                .setCanonicalizedBody(ByteString.copyFrom(body))
                .build();
    }

    static TlogVerifier clientVerifier() {
        TransparencyLogInstance log = TransparencyLogInstance.newBuilder()
                .setBaseUrl("https://" + HOST)
                .setHashAlgorithm(dev.sigstore.proto.common.v1.HashAlgorithm.SHA2_256)
                .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(SignedEntryTimestamp.logId(LOG_KEY.getPublic()))))
                .setPublicKey(PublicKey.newBuilder()
                        .setRawBytes(ByteString.copyFrom(LOG_KEY.getPublic().getEncoded()))
                        .setKeyDetails(dev.sigstore.proto.common.v1.PublicKeyDetails.PKIX_ECDSA_P256_SHA_256)
                        .setValidFor(TimeRange.newBuilder().setStart(com.google.protobuf.Timestamp.newBuilder().setSeconds(0))))
                .build();
        return new TlogVerifier(TrustedRoot.newBuilder().addTlogs(log).build());
    }

    @Test
    void create_validHashedRekord_answers201WithEntryThatClientsVerify() throws Exception {
        Answer a = post("/api/v1/log/entries", freshEntry());
        assertEquals(201, a.status(), a.text());
        Map.Entry<String, JsonNode> e = only(a.json());
        assertEquals(80, e.getKey().length());
        assertTrue(e.getKey().startsWith(String.format("%016x", TREE_ID)));
        assertEquals(e.getKey(), a.etag());
        assertEquals("/api/v1/log/entries/" + e.getKey(), a.location());
        JsonNode anon = e.getValue();
        assertEquals(HexFormat.of().formatHex(SignedEntryTimestamp.logId(LOG_KEY.getPublic())), anon.path("logID").asText());
        byte[] body = Base64.getDecoder().decode(anon.path("body").asText());
        assertEquals(e.getKey().substring(16), HexFormat.of().formatHex(dev.sigstack.core.merkle.Rfc6962.leafHash(body)));
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(now - anon.path("integratedTime").asLong()) < 60, "integratedTime is in seconds");
        assertTrue(anon.path("verification").path("inclusionProof").path("checkpoint").asText()
                .startsWith(HOST + " - " + TREE_ID + "\n"));
        assertDoesNotThrow(() -> clientVerifier().verifyEntry(toTle(anon), false));
    }

    @Test
    void create_dsseInToto_storesHashesAndIsFoundBySubjectDigest() throws Exception {
        KeyPair kp = TestKeys.p256();
        String subject = HexFormat.of().formatHex(TestKeys.sha256(("subject " + System.nanoTime()).getBytes(StandardCharsets.UTF_8)));
        byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"img\",\"digest\":{\"sha256\":\""
                + subject + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{}}").getBytes(StandardCharsets.UTF_8);
        String type = "application/vnd.in-toto+json";
        ObjectNode env = JSON.createObjectNode();
        env.put("payload", Base64.getEncoder().encodeToString(statement));
        env.put("payloadType", type);
        env.putArray("signatures").addObject().put("sig",
                Base64.getEncoder().encodeToString(TestKeys.sign(kp, dev.sigstack.core.rekor.Dsse.pae(type, statement))));
        ObjectNode proposed = JSON.createObjectNode();
        proposed.put("apiVersion", "0.0.1");
        proposed.put("kind", "dsse");
        ObjectNode content = proposed.putObject("spec").putObject("proposedContent");
        content.put("envelope", env.toString());
        content.putArray("verifiers").add(Base64.getEncoder().encodeToString(TestKeys.pem(kp)));

        Answer a = post("/api/v1/log/entries", proposed.toString());
        assertEquals(201, a.status(), a.text());
        JsonNode body = JSON.readTree(Base64.getDecoder().decode(only(a.json()).getValue().path("body").asText()));
        assertEquals("dsse", body.path("kind").asText());
        assertTrue(body.path("spec").path("proposedContent").isMissingNode());
        assertEquals(HexFormat.of().formatHex(TestKeys.sha256(statement)), body.path("spec").path("payloadHash").path("value").asText());
        assertDoesNotThrow(() -> clientVerifier().verifyEntry(toTle(only(a.json()).getValue()), false));

        Answer found = post("/api/v1/index/retrieve", "{\"hash\":\"sha256:" + subject + "\"}");
        assertEquals(1, found.json().size(), found.text());
        assertEquals(a.etag(), found.json().get(0).asText());
    }

    @Test
    void create_duplicate_answers409WithExistingLocation() {
        String entry = freshEntry();
        Answer first = post("/api/v1/log/entries", entry);
        assertEquals(201, first.status());
        Answer again = post("/api/v1/log/entries", entry);
        assertEquals(409, again.status());
        assertEquals(first.location(), again.location());
        assertEquals(409, again.json().path("code").asInt());
        assertEquals("an equivalent entry already exists in the transparency log with UUID " + first.etag(),
                again.json().path("message").asText());
    }

    @Test
    void create_malformedJson_answers400() {
        Answer a = post("/api/v1/log/entries", "{\"kind\": ");
        assertEquals(400, a.status());
        assertEquals(400, a.json().path("code").asInt());
        assertTrue(a.json().path("message").asText().startsWith("parsing body body from \"\" failed"), a.text());
    }

    @Test
    void create_unknownKind_answers422() {
        Answer a = post("/api/v1/log/entries", "{\"apiVersion\":\"0.0.1\",\"kind\":\"jar\",\"spec\":{}}");
        assertEquals(422, a.status());
        assertEquals("invalid kind value: \"jar\"", a.json().path("message").asText());
    }

    @Test
    void create_unknownVersion_answers400() {
        Answer a = post("/api/v1/log/entries", "{\"apiVersion\":\"0.0.9\",\"kind\":\"dsse\",\"spec\":{}}");
        assertEquals(400, a.status());
        assertEquals("error processing entry: dsse implementation for version '0.0.9' not found",
                a.json().path("message").asText());
    }

    @Test
    void create_signatureByAnotherKey_answers400() {
        KeyPair signer = TestKeys.p256();
        KeyPair other = TestKeys.p256();
        String entry = hashedRekord(signer, TestKeys.pem(other), "x".getBytes(StandardCharsets.UTF_8));
        Answer a = post("/api/v1/log/entries", entry);
        assertEquals(400, a.status());
        assertTrue(a.json().path("message").asText().startsWith("error processing entry: verifying signature: "), a.text());
    }

    @Test
    void create_unsupportedHashAlgorithm_answers400() throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(freshEntry());
        ((ObjectNode) o.path("spec").path("data").path("hash")).put("algorithm", "sha1");
        Answer a = post("/api/v1/log/entries", o.toString());
        assertEquals(400, a.status());
        assertEquals("error processing entry: data.hash.algorithm in body should be one of [sha256 sha384 sha512]",
                a.json().path("message").asText());
    }

    @Test
    void create_oversizedBody_answers413() {
        String big = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"pad\":\"" + "a".repeat(MAX_BYTES) + "\"}";
        Answer a = post("/api/v1/log/entries", big);
        assertEquals(413, a.status());
        assertEquals("Request Entity Too Large. Limit set to " + MAX_BYTES, a.json().path("message").asText());
    }

    @Test
    void create_oversizedChunkedBody_answers413() {
        byte[] big = ("{\"pad\":\"" + "a".repeat(MAX_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        Answer a = send(client.post("/api/v1/log/entries").header(HeaderValues.CONTENT_TYPE_JSON).outputStream(out -> {
            for (int i = 0; i < big.length; i += 1024) {
                out.write(big, i, Math.min(1024, big.length - i));
            }
            out.close();
        }));
        assertEquals(413, a.status());
        assertEquals(413, a.json().path("code").asInt());
    }

    @Test
    void create_pushback_answers503WithRetryAfter() {
        ENGINE.saturated = true;
        try {
            Answer a = post("/api/v1/log/entries", freshEntry());
            assertEquals(503, a.status());
            assertEquals("3", a.retryAfter());
        } finally {
            ENGINE.saturated = false;
        }
    }

    @Test
    void getByIndex_existing_returnsSameEntryWithFreshProof() throws Exception {
        Answer created = post("/api/v1/log/entries", freshEntry());
        long index = only(created.json()).getValue().path("logIndex").asLong();
        post("/api/v1/log/entries", freshEntry()); // the tree grows; the proof must follow
        Answer a = get("/api/v1/log/entries", "logIndex", Long.toString(index));
        assertEquals(200, a.status(), a.text());
        Map.Entry<String, JsonNode> e = only(a.json());
        assertEquals(created.etag(), e.getKey());
        assertEquals(only(created.json()).getValue().path("body"), e.getValue().path("body"));
        assertDoesNotThrow(() -> clientVerifier().verifyEntry(toTle(e.getValue()), false));
    }

    @Test
    void getByIndex_outOfRange_answers404() {
        Answer a = get("/api/v1/log/entries", "logIndex", "999999");
        assertEquals(404, a.status());
        assertEquals(404, a.json().path("code").asInt());
    }

    @Test
    void getByIndex_negativeOrMissing_answers422() {
        assertEquals(422, get("/api/v1/log/entries", "logIndex", "-1").status());
        assertEquals(422, get("/api/v1/log/entries", "logIndex", "x").status());
        assertEquals("logIndex in query is required", get("/api/v1/log/entries").json().path("message").asText());
    }

    @Test
    void getByUuid_entryIdOrBareUuid_returnsEntry() {
        Answer created = post("/api/v1/log/entries", freshEntry());
        String id = created.etag();
        assertEquals(id, only(get("/api/v1/log/entries/" + id).json()).getKey());
        assertEquals(id, only(get("/api/v1/log/entries/" + id.substring(16)).json()).getKey());
        assertEquals(404, get("/api/v1/log/entries/" + "0000000000000001" + id.substring(16)).status());
        assertEquals(404, get("/api/v1/log/entries/" + "ab".repeat(32)).status());
        assertEquals(422, get("/api/v1/log/entries/not-hex").status());
    }

    @Test
    void retrieve_byUuidIndexAndEntry_returnsEach() throws Exception {
        String proposed = freshEntry();
        Answer created = post("/api/v1/log/entries", proposed);
        long index = only(created.json()).getValue().path("logIndex").asLong();
        ObjectNode q = JSON.createObjectNode();
        q.putArray("entryUUIDs").add(created.etag());
        q.putArray("logIndexes").add(index);
        q.putArray("entries").add(JSON.readTree(proposed));
        Answer a = post("/api/v1/log/entries/retrieve", q.toString());
        assertEquals(200, a.status(), a.text());
        assertEquals(3, a.json().size());
        for (JsonNode n : a.json()) {
            assertEquals(created.etag(), only(n).getKey());
        }
    }

    @Test
    void retrieve_moreThanTen_answers422() {
        ObjectNode q = JSON.createObjectNode();
        var arr = q.putArray("logIndexes");
        var uuids = q.putArray("entryUUIDs");
        for (int i = 0; i < 6; i++) {
            arr.add(i);
            uuids.add(String.format("%064x", i));
        }
        Answer a = post("/api/v1/log/entries/retrieve", q.toString());
        assertEquals(422, a.status());
        assertEquals("more than max allowed 10 entries in request", a.json().path("message").asText());
        // eleven in one array: openapi.yaml maxItems, checked by go-swagger before the handler's total
        for (int i = 6; i < 11; i++) {
            arr.add(i);
        }
        q.remove("entryUUIDs");
        Answer one = post("/api/v1/log/entries/retrieve", q.toString());
        assertEquals(422, one.status());
        assertEquals("logIndexes in body should have at most 10 items", one.json().path("message").asText());
    }

    @Test
    void retrieve_malformedQuery_isRefusedAsRekorDoes() {
        // go-swagger: a body that does not decode into models.SearchLogQuery is 400 (ParseError); the model's
        // Validate (openapi.yaml items pattern / minimum) is 422 with the item's index in the field name
        String[][] cases = {
            {"{\"entryUUIDs\":\"" + "ab".repeat(32) + "\"}", "400", null},
            {"{\"entryUUIDs\":[7]}", "400", null},
            {"{\"logIndexes\":[\"5\"]}", "400", null},
            {"{\"logIndexes\":[1.5]}", "400", null},
            {"{\"logIndexes\":[99999999999999999999]}", "400", null},
            {"{\"entries\":{}}", "400", null},
            {"{\"entryUUIDs\":[\"" + "ab".repeat(32) + "\",\"xyz\"]}", "422",
                "entryUUIDs.1 in body should match '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$'"},
            {"{\"logIndexes\":[0,-1]}", "422", "logIndexes.1 in body should be greater than or equal to 0"},
            {"{\"entryUUIDs\":[]}", "422", "entryUUIDs in body should have at least 1 items"}};
        for (String[] c : cases) {
            Answer a = post("/api/v1/log/entries/retrieve", c[0]);
            assertEquals(Integer.parseInt(c[1]), a.status(), c[0] + " -> " + a.text());
            assertEquals(Integer.parseInt(c[1]), a.json().path("code").asInt(), c[0]);
            if (c[2] != null) {
                assertEquals(c[2], a.json().path("message").asText(), c[0]);
            }
        }
    }

    @Test
    void searchIndex_byHashEmailAndKey_findsEntry() {
        KeyPair kp = TestKeys.p256();
        X509Certificate cert = TestKeys.certificate(kp, "Signer@Example.com");
        byte[] artifact = ("indexed " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        Answer created = post("/api/v1/log/entries", hashedRekord(kp, TestKeys.pem(cert), artifact));
        assertEquals(201, created.status(), created.text());
        String digest = HexFormat.of().formatHex(TestKeys.sha256(artifact));

        for (String q : new String[] {
            "{\"hash\":\"sha256:" + digest + "\"}",
            "{\"hash\":\"" + digest.toUpperCase() + "\"}",
            "{\"email\":\"signer@example.COM\"}",
            "{\"subject\":\"Signer@example.com\"}",
            "{\"publicKey\":{\"format\":\"x509\",\"content\":\"" + Base64.getEncoder().encodeToString(TestKeys.pem(cert)) + "\"}}",
            "{\"email\":\"signer@example.com\",\"hash\":\"" + digest + "\",\"operator\":\"and\"}"}) {
            Answer a = post("/api/v1/index/retrieve", q);
            assertEquals(200, a.status(), q + " -> " + a.text());
            assertEquals(1, a.json().size(), q + " -> " + a.text());
            assertEquals(created.etag(), a.json().get(0).asText());
        }
        Answer none = post("/api/v1/index/retrieve", "{\"email\":\"nobody@example.com\",\"hash\":\"" + digest + "\",\"operator\":\"and\"}");
        assertEquals(0, none.json().size());
    }

    @Test
    void searchIndex_unsupportedKeyFormatOrBadHash_isRefused() {
        Answer a = post("/api/v1/index/retrieve", "{\"publicKey\":{\"format\":\"pgp\",\"content\":\"eA==\"}}");
        assertEquals(400, a.status());
        assertEquals("the PKI format requested is not supported by this server", a.json().path("message").asText());
        assertEquals(422, post("/api/v1/index/retrieve", "{\"hash\":\"sha256:xyz\"}").status());
        assertEquals(400, post("/api/v1/index/retrieve", "[1,2").status());
    }

    @Test
    void searchIndex_fieldsOfAnotherJsonType_answer400() {
        for (String q : new String[] {"{\"email\":5}", "{\"hash\":[\"" + "ab".repeat(32) + "\"]}", "{\"operator\":true}",
            "{\"subject\":{}}", "{\"publicKey\":\"x509\"}", "{\"publicKey\":{\"format\":\"x509\",\"content\":7}}"}) {
            Answer a = post("/api/v1/index/retrieve", q);
            assertEquals(400, a.status(), q + " -> " + a.text());
            assertTrue(a.json().path("message").asText().startsWith("parsing query body from \"\" failed, because "), a.text());
        }
    }

    @Test
    void searchIndex_outsideOpenapiSchema_answers422() {
        // models.SearchIndex Validate: publicKey.format required and an enum, subject at most 512 characters
        String[][] cases = {
            {"{\"publicKey\":{\"content\":\"eA==\"}}", "publicKey.format in body is required"},
            {"{\"publicKey\":{\"format\":\"X509\",\"content\":\"eA==\"}}",
                "publicKey.format in body should be one of [pgp x509 minisign ssh tuf]"},
            {"{\"subject\":\"" + "é".repeat(513) + "\"}", "subject in body should be at most 512 chars long"}};
        for (String[] c : cases) {
            Answer a = post("/api/v1/index/retrieve", c[0]);
            assertEquals(422, a.status(), c[0] + " -> " + a.text());
            assertEquals(c[1], a.json().path("message").asText());
        }
        assertEquals(200, post("/api/v1/index/retrieve", "{\"subject\":\"" + "é".repeat(512) + "\"}").status());
    }

    @Test
    void logInfo_afterEntries_hasRekorFieldsAndSignedTreeHead() {
        post("/api/v1/log/entries", freshEntry());
        Answer a = get("/api/v1/log");
        assertEquals(200, a.status());
        JsonNode j = a.json();
        assertEquals(Long.toString(TREE_ID), j.path("treeID").asText());
        assertTrue(j.path("treeSize").asLong() >= 1);
        assertEquals(64, j.path("rootHash").asText().length());
        assertTrue(j.path("signedTreeHead").asText().startsWith(HOST + " - " + TREE_ID + "\n" + j.path("treeSize").asLong() + "\n"));
    }

    @Test
    void proof_consistency_leadsFromOldRootToNew() {
        post("/api/v1/log/entries", freshEntry());
        post("/api/v1/log/entries", freshEntry());
        long size = get("/api/v1/log").json().path("treeSize").asLong();
        Answer a = get("/api/v1/log/proof", "firstSize", "1", "lastSize", Long.toString(size));
        assertEquals(200, a.status(), a.text());
        assertTrue(a.json().path("hashes").size() >= 1);
        assertEquals(400, get("/api/v1/log/proof", "firstSize", "3", "lastSize", "2").status());
        Answer tooBig = get("/api/v1/log/proof", "firstSize", "1", "lastSize", Long.toString(size + 1000));
        assertEquals(400, tooBig.status());
        assertTrue(tooBig.json().path("message").asText().startsWith("the tree size requested("), tooBig.text());
        assertEquals(422, get("/api/v1/log/proof", "firstSize", "1").status());
    }

    @Test
    void reads_ofLogStateEntriesAndProofs_forbidCaching() {
        Answer created = post("/api/v1/log/entries", freshEntry());
        long index = only(created.json()).getValue().path("logIndex").asLong();
        String[][] reads = {
            {"/api/v1/log"}, {"/api/v1/log/publicKey"}, {"/api/v1/log/proof", "lastSize", "1"},
            {"/api/v1/log/entries", "logIndex", Long.toString(index)}, {"/api/v1/log/entries", "logIndex", "999999"},
            {"/api/v1/log/entries/" + created.etag()}, {"/api/v1/log/entries/" + "ab".repeat(32)}};
        for (String[] read : reads) {
            var req = client.get(read[0]);
            for (int i = 1; i < read.length; i += 2) {
                req.queryParam(read[i], read[i + 1]);
            }
            try (var res = req.request()) {
                // rekor's configure_rekor_server.go wraps these GET routes in chi v5.3.1's middleware.NoCache
                assertEquals("no-cache, no-store, no-transform, must-revalidate, private, max-age=0", res.headers().first(HeaderNames.CACHE_CONTROL).orElse(null),
                        read[0] + " -> " + res.status());
                assertEquals("no-cache", res.headers().first(HeaderNames.PRAGMA).orElse(null), read[0]);
                assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", res.headers().first(HeaderNames.EXPIRES).orElse(null), read[0]);
                assertEquals("0", res.headers().first(HeaderNames.create("X-Accel-Expires")).orElse(null), read[0]);
            }
        }
    }

    @Test
    void publicKey_treeIdOfThisLogOrNone_answersKeyOtherwiseRefusedAsRekorDoes() throws Exception {
        for (String tree : new String[] {Long.toString(TREE_ID), "00" + TREE_ID, ""}) {
            Answer a = get("/api/v1/log/publicKey", "treeID", tree);
            assertEquals(200, a.status(), tree + " -> " + a.text());
            assertEquals(LOG_KEY.getPublic(), PublicKeyMaterial.parsePem(a.text().getBytes(StandardCharsets.US_ASCII)).publicKey());
        }
        // pkg/api/public_key.go: a tree this log does not have is 400 with http.StatusText
        Answer other = get("/api/v1/log/publicKey", "treeID", Long.toString(TREE_ID + 1));
        assertEquals(400, other.status(), other.text());
        assertEquals("Bad Request", other.json().path("message").asText());
        assertEquals(400, get("/api/v1/log/publicKey", "treeID", "99999999999999999999").status());
        // openapi.yaml: treeID pattern '^[0-9]+$', enforced by go-swagger with 422
        Answer notNumber = get("/api/v1/log/publicKey", "treeID", "-1");
        assertEquals(422, notNumber.status(), notNumber.text());
        assertEquals("treeID in query should match '^[0-9]+$'", notNumber.json().path("message").asText());
    }

    @Test
    void proof_treeId_ofThisLogAccepted_otherRefusedAsRekorDoes() {
        post("/api/v1/log/entries", freshEntry());
        assertEquals(200, get("/api/v1/log/proof", "lastSize", "1", "treeID", "0" + TREE_ID).status());
        // pkg/api/tlog.go: GetLogRangeByTreeID's error, 400
        Answer other = get("/api/v1/log/proof", "lastSize", "1", "treeID", Long.toString(TREE_ID + 1));
        assertEquals(400, other.status(), other.text());
        assertEquals("no log range found for tree ID " + (TREE_ID + 1), other.json().path("message").asText());
        Answer overflow = get("/api/v1/log/proof", "lastSize", "1", "treeID", "99999999999999999999");
        assertEquals(400, overflow.status(), overflow.text());
        assertEquals("invalid tree ID specified: 99999999999999999999", overflow.json().path("message").asText());
        Answer notNumber = get("/api/v1/log/proof", "lastSize", "1", "treeID", "abc");
        assertEquals(422, notNumber.status(), notNumber.text());
        assertEquals("treeID in query should match '^[0-9]+$'", notNumber.json().path("message").asText());
    }

    @Test
    void cors_browserRequestsAndPreflights_areAllowed() {
        // rekor wraps every route in rs/cors v1.11.1 cors.Default() (any origin; GET, POST, HEAD; Content-Type), which
        // a browser client such as rekor-search-ui relies on. Here Helidon's CORS feature (helidon-webserver-cors,
        // on the classpath through observe) answers: preflights 200 instead of 204, a disallowed method 403 instead of
        // 204 without allow headers, no Vary: Origin; none of which a browser distinguishes.
        try (var res = client.get("/api/v1/log").header(HeaderNames.ORIGIN, "https://search.example").request()) {
            assertEquals(200, res.status().code());
            assertEquals("*", res.headers().first(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN).orElse(null));
        }
        try (var res = client.method(io.helidon.http.Method.OPTIONS).path("/api/v1/log/entries/retrieve")
                .header(HeaderNames.ORIGIN, "https://search.example")
                .header(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS, "content-type").request()) {
            assertEquals(2, res.status().code() / 100, res.status().toString());
            assertEquals("*", res.headers().first(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN).orElse(null));
            assertTrue(res.headers().get(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS).allValues().contains("POST"));
            assertEquals("content-type", res.headers().first(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS).orElse(null));
        }
    }

    @Test
    void ping_getOrHead_answersHeartbeatAsRekorDoes() {
        // rekor's setupGlobalMiddleware: chi middleware.Heartbeat("/ping"), the path upstream probes and LBs use
        try (var res = client.get("/ping").request()) {
            assertEquals(200, res.status().code());
            assertEquals("text/plain", res.headers().first(HeaderNames.CONTENT_TYPE).orElse(null));
            assertEquals(".", res.entity().as(String.class));
        }
        try (var res = client.method(io.helidon.http.Method.HEAD).path("/ping").request()) {
            assertEquals(200, res.status().code());
        }
    }

    @Test
    void publicKey_isLogKeyPem() throws Exception {
        Answer a = get("/api/v1/log/publicKey");
        assertEquals(200, a.status());
        var key = PublicKeyMaterial.parsePem(a.text().getBytes(StandardCharsets.US_ASCII)).publicKey();
        assertEquals(LOG_KEY.getPublic(), key);
    }
}
