package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.testing.TestStack;
import dev.sigstack.ca.tsa.TimestampAuthority;

/** The timestamp authority over HTTP; every response is verified with BouncyCastle's TSP classes. */
class TimestampEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static TestStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = new TestStack(dir, -1);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static HttpResponse<byte[]> post(byte[] body, String type) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/timestamp")).header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<X509Certificate> chain() throws Exception {
        String pem = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/timestamp/certchain")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return Pem.readCertificates(pem);
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void timestamp_derQuery_responseVerifiesWithBouncyCastle() throws Exception {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        TimeStampRequest req = g.generate(TSPAlgorithms.SHA256, sha256("artifact"), BigInteger.valueOf(12345));
        HttpResponse<byte[]> r = post(req.getEncoded(), "application/timestamp-query");
        assertEquals(200, r.statusCode());
        assertEquals("application/timestamp-reply", r.headers().firstValue("content-type").orElse(""));
        TimeStampResponse resp = new TimeStampResponse(r.body());
        resp.validate(req);
        TimeStampToken token = resp.getTimeStampToken();
        List<X509Certificate> chain = chain();
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(chain.getFirst()));
        assertEquals(BigInteger.valueOf(12345), token.getTimeStampInfo().getNonce());
        assertEquals(2, token.getCertificates().getMatches(null).size(), "the chain when asked for");
        X509CertificateHolder signer = new X509CertificateHolder(chain.getFirst().getEncoded());
        assertTrue(signer.getExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage).isCritical(), "EKU timeStamping is critical");
        chain.getFirst().verify(chain.get(1).getPublicKey());
    }

    @Test
    void timestamp_jsonQuery_responseVerifies() throws Exception {
        String json = "{\"artifactHash\":\"" + Base64.getEncoder().encodeToString(sha256("json")) + "\",\"hashAlgorithm\":\"sha256\","
            + "\"nonce\":77,\"certificates\":false}";
        HttpResponse<byte[]> r = post(json.getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        TimeStampToken token = new TimeStampResponse(r.body()).getTimeStampToken();
        token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(chain().getFirst()));
        assertEquals(BigInteger.valueOf(77), token.getTimeStampInfo().getNonce());
        assertEquals(0, token.getCertificates().getMatches(null).size(), "no certificates when not asked for");
    }

    @Test
    void timestamp_sha1Imprint_400Rejected() throws Exception {
        TimeStampRequest req = new TimeStampRequestGenerator().generate(TSPAlgorithms.SHA1, new byte[20]);
        HttpResponse<byte[]> r = post(req.getEncoded(), "application/timestamp-query");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("rejected"));
    }

    @Test
    void timestamp_ownPolicyRequested_granted() throws Exception {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setReqPolicy(TimestampAuthority.DEFAULT_POLICY);
        TimeStampRequest req = g.generate(TSPAlgorithms.SHA256, sha256("policy"));
        HttpResponse<byte[]> r = post(req.getEncoded(), "application/timestamp-query");
        assertEquals(200, r.statusCode());
        TimeStampResponse resp = new TimeStampResponse(r.body());
        resp.validate(req);
        assertEquals(TimestampAuthority.DEFAULT_POLICY, resp.getTimeStampToken().getTimeStampInfo().getPolicy());
    }

    /** timestamp-authority accepts only its configured policies (pkg/api/timestamp.go, verifyTimestampRequest). */
    @Test
    void timestamp_otherPolicy_400Unaccepted() throws Exception {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setReqPolicy(new ASN1ObjectIdentifier("1.2.3.4"));
        HttpResponse<byte[]> r = post(g.generate(TSPAlgorithms.SHA256, sha256("policy")).getEncoded(), "application/timestamp-query");
        assertEquals(400, r.statusCode(), "a TSA must not sign under a policy it does not follow");
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("policy"));
        String json = "{\"artifactHash\":\"" + Base64.getEncoder().encodeToString(sha256("json")) + "\",\"hashAlgorithm\":\"sha256\","
            + "\"tsaPolicyOID\":\"1.2.3.4\"}";
        assertEquals(400, post(json.getBytes(StandardCharsets.UTF_8), "application/json").statusCode());
    }

    /** timestamp-authority refuses request extensions unless allow-custom-extensions is set (its default: off). */
    @Test
    void timestamp_requestExtension_400Unaccepted() throws Exception {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.addExtension(new ASN1ObjectIdentifier("1.2.3.5"), false, new DEROctetString(new byte[] {1}));
        HttpResponse<byte[]> r = post(g.generate(TSPAlgorithms.SHA256, sha256("ext")).getEncoded(), "application/timestamp-query");
        assertEquals(400, r.statusCode(), "request extensions would be copied into the signed TSTInfo");
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("extension"));
    }

    /** timestamp-authority's API consumes only these two types (openapi.yaml); anything else is 415. */
    @Test
    void timestamp_otherOrMissingContentType_415() throws Exception {
        byte[] der = new TimeStampRequestGenerator().generate(TSPAlgorithms.SHA256, sha256("type")).getEncoded();
        for (String type : List.of("application/octet-stream", "text/plain", "multipart/form-data; boundary=application/json", "application/timestamp-query/x")) {
            HttpResponse<byte[]> r = post(der, type);
            assertEquals(415, r.statusCode(), type);
            assertEquals(415, JSON.readTree(r.body()).get("code").asInt(), type);
        }
        HttpResponse<byte[]> none = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/timestamp"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(der)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(415, none.statusCode(), "no Content-Type");
        assertEquals(200, post(der, "Application/Timestamp-Query").statusCode(), "media types are case-insensitive");
    }

    @Test
    void timestamp_jsonWithCharset_200() throws Exception {
        String json = "{\"artifactHash\":\"" + Base64.getEncoder().encodeToString(sha256("charset")) + "\",\"hashAlgorithm\":\"sha256\"}";
        HttpResponse<byte[]> r = post(json.getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/timestamp-reply", r.headers().firstValue("content-type").orElse(""));
    }

    /** timestamp-authority caps JSON requests at 1,024 bytes before parsing (a decimal nonce parses in quadratic time). */
    @Test
    void timestamp_jsonOver1024Bytes_400TooLarge() throws Exception {
        String json = "{\"artifactHash\":\"" + Base64.getEncoder().encodeToString(sha256("big")) + "\",\"hashAlgorithm\":\"sha256\","
            + "\"nonce\":" + "9".repeat(1100) + "}";
        HttpResponse<byte[]> r = post(json.getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("too large"));
    }

    /** timestamp-authority's middleware: NoCache on POST /api/v1/timestamp, cacheForDay on the chain. */
    @Test
    void cacheHeaders_asTimestampAuthority() throws Exception {
        HttpResponse<byte[]> r = post(new TimeStampRequestGenerator().generate(TSPAlgorithms.SHA256, sha256("cache")).getEncoded(),
            "application/timestamp-query");
        assertEquals(200, r.statusCode());
        assertEquals("no-cache, no-store, no-transform, must-revalidate, private, max-age=0",
            r.headers().firstValue("cache-control").orElse(""));
        assertEquals("no-cache", r.headers().firstValue("pragma").orElse(""));
        assertEquals("Thu, 01 Jan 1970 00:00:00 GMT", r.headers().firstValue("expires").orElse(""));
        assertEquals("0", r.headers().firstValue("x-accel-expires").orElse(""));
        HttpResponse<String> chain = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/timestamp/certchain")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("max-age=86400, immutable", chain.headers().firstValue("cache-control").orElse(""));
    }

    /** go-openapi's router: 405 with Allow and {code, message} for a known path with another method. */
    @Test
    void timestampPaths_otherMethod_405WithAllow() throws Exception {
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/timestamp")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("allow").orElse(""));
        assertEquals("method GET is not allowed, but [POST] are", JSON.readTree(get.body()).get("message").asText());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v1/timestamp/certchain"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("allow").orElse(""));
        assertEquals(405, JSON.readTree(post.body()).get("code").asInt());
    }

    /** timestamp-authority answers /ping with "." (chi's Heartbeat, configure_timestamp_server.go). */
    @Test
    void ping_asTimestampAuthority_200() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/ping")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(".", r.body());
    }

    @Test
    void timestamp_garbage_400() throws Exception {
        assertEquals(400, post(new byte[] {1, 2, 3}, "application/timestamp-query").statusCode());
        HttpResponse<byte[]> r = post("{\"artifactHash\":\"AAAA\",\"hashAlgorithm\":\"sha256\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(400, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("32 bytes"));
    }
}
