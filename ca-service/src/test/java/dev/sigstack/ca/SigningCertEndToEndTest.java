package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sigstack.ca.testing.TestStack;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;

/** The REST API end to end: HTTPS test issuer, CA, CT log over loopback HTTP; certificates verified like a client. */
class SigningCertEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
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

    static KeyPair generate(String alg, Object spec) throws Exception {
        KeyPairGenerator g = alg.equals("EC-BC") ? KeyPairGenerator.getInstance("EC", new BouncyCastleProvider())
            : KeyPairGenerator.getInstance(alg);
        if (spec instanceof Integer bits) {
            g.initialize(bits);
        } else if (spec instanceof String curve) {
            g.initialize(new ECGenParameterSpec(curve));
        }
        return g.generateKeyPair();
    }

    static String signatureAlg(KeyPair k) {
        if (k.getPublic() instanceof java.security.interfaces.ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return k.getPublic() instanceof java.security.interfaces.RSAPublicKey ? "SHA256withRSA" : "Ed25519";
    }

    static byte[] sign(KeyPair k, String message) throws Exception {
        Signature s = k.getPublic().getClass().getName().contains("bouncycastle")
            ? Signature.getInstance(signatureAlg(k), new BouncyCastleProvider()) : Signature.getInstance(signatureAlg(k));
        s.initSign(k.getPrivate());
        s.update(message.getBytes(StandardCharsets.UTF_8));
        return s.sign();
    }

    static ObjectNode v2Request(String token, KeyPair k, byte[] pop) {
        ObjectNode req = JSON.createObjectNode();
        if (token != null) {
            req.putObject("credentials").put("oidcIdentityToken", token);
        }
        ObjectNode pkr = req.putObject("publicKeyRequest");
        pkr.putObject("publicKey").put("algorithm", "ECDSA").put("content", Pem.encode("PUBLIC KEY", k.getPublic().getEncoded()));
        pkr.put("proofOfPossession", Base64.getEncoder().encodeToString(pop));
        return req;
    }

    static HttpResponse<String> post(String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<X509Certificate> chainOf(JsonNode certs) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (JsonNode n : certs) {
            String pem = n.asText();
            for (String line : pem.split("\n")) {
                assertTrue(line.length() <= 64, "PEM lines are wrapped at 64 columns");
            }
            out.addAll(Pem.readCertificates(pem));
        }
        return out;
    }

    /** Checks what sigstore clients check: chain to the root, code signing, SCT from our log. */
    static void assertFulcioCertificate(List<X509Certificate> chain, SubjectAltName san) throws Exception {
        assertEquals(3, chain.size());
        X509Certificate leaf = chain.getFirst();
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain.getLast(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 2)), params);
        assertEquals(Duration.ofMinutes(10), Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
        assertTrue(leaf.getKeyUsage()[0], "digitalSignature");
        assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.4.15".replace("2.5.4", "2.5.29")), "key usage critical");
        assertEquals(List.of("1.3.6.1.5.5.7.3.3"), leaf.getExtendedKeyUsage());
        assertTrue(leaf.getCriticalExtensionOIDs().contains("2.5.29.17"), "SAN critical");
        assertEquals(0, leaf.getSubjectX500Principal().getEncoded().length - 2, "empty subject");
        X509CertificateHolder h = new X509CertificateHolder(leaf.getEncoded());
        FulcioIdentity id = FulcioIdentity.of(h);
        assertEquals(san, id.san());
        assertEquals(stack.issuer.url(), id.issuer());
        assertTrue(h.getExtension(FulcioOid.ISSUER_V1.oid()) != null, "deprecated raw issuer extension is set too");
        SctVerifier.verifyEmbedded(h, new X509CertificateHolder(chain.get(1).getEncoded()), stack.logKey.getPublic());
    }

    static Stream<Arguments> keyTypes() {
        return Stream.of(Arguments.of("P-256", "EC", "secp256r1"), Arguments.of("P-384", "EC", "secp384r1"),
            Arguments.of("P-521", "EC", "secp521r1"), Arguments.of("Ed25519", "Ed25519", null),
            Arguments.of("RSA-2048", "RSA", 2048), Arguments.of("RSA-3072", "RSA", 3072),
            Arguments.of("RSA-2560", "RSA", 2560)); // a size upstream refuses, accepted here
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyTypes")
    void signingCertV2_eachKeyType_issuesCertificateWithVerifiedSct(String name, String alg, Object spec) throws Exception {
        KeyPair k = generate(alg, spec);
        String email = name.toLowerCase() + "@example.com";
        HttpResponse<String> r = post("/api/v2/signingCert", v2Request(stack.issuer.emailToken(email), k, sign(k, email)).toString(), null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        List<X509Certificate> chain = chainOf(JSON.readTree(r.body()).at("/signedCertificateEmbeddedSct/chain/certificates"));
        assertFulcioCertificate(chain, SubjectAltName.email(email));
        assertEquals(k.getPublic(), chain.getFirst().getPublicKey());
    }

    static Stream<Arguments> weakKeys() {
        return Stream.of(Arguments.of("RSA-1024", "RSA", 1024), Arguments.of("secp256k1", "EC-BC", "secp256k1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weakKeys")
    void signingCertV2_weakKey_400Insecure(String name, String alg, Object spec) throws Exception {
        KeyPair k = generate(alg, spec);
        HttpResponse<String> r = post("/api/v2/signingCert",
            v2Request(stack.issuer.emailToken("w@example.com"), k, new byte[] {1}).toString(), null);
        assertEquals(400, r.statusCode(), r.body());
        JsonNode err = JSON.readTree(r.body());
        assertEquals(3, err.get("code").asInt());
        assertTrue(err.get("message").asText().contains("insecure"), r.body());
    }

    static Stream<Arguments> keyRequestErrors() throws Exception {
        KeyPair ec = generate("EC", "secp256r1");
        byte[] good = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), ec.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(ec.getPrivate())).getEncoded();
        byte[] tampered = good.clone();
        tampered[tampered.length - 3] ^= 1;
        KeyPair rsa1024 = generate("RSA", 1024);
        byte[] weak = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), rsa1024.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(rsa1024.getPrivate())).getEncoded();
        byte[] p256Sha384 = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), ec.getPublic())
            .build(new JcaContentSignerBuilder("SHA384withECDSA").build(ec.getPrivate())).getEncoded();
        KeyPair rsa2048 = generate("RSA", 2048);
        byte[] rsaSha512 = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), rsa2048.getPublic())
            .build(new JcaContentSignerBuilder("SHA512withRSA").build(rsa2048.getPrivate())).getEncoded();
        return Stream.of(
            Arguments.of("CSR P-256 signed with SHA-384", csrRequest(p256Sha384), "signing algorithm not permitted"),
            Arguments.of("CSR RSA-2048 signed with SHA-512", csrRequest(rsaSha512), "signing algorithm not permitted"),
            Arguments.of("CSR not parseable", csrRequest("not a csr".getBytes(StandardCharsets.US_ASCII)),
                "The certificate signing request could not be parsed"),
            Arguments.of("CSR signature broken", csrRequest(tampered), "The signature supplied in the request could not be verified"),
            Arguments.of("CSR RSA-1024", csrRequest(weak), "The public key supplied in the request is insecure"),
            Arguments.of("DSA key", v2Request(null, generate("DSA", 2048), new byte[] {1}), "The public key supplied in the request is insecure"),
            Arguments.of("X25519 key", v2Request(null, generate("X25519", null), new byte[] {1}), "The public key supplied in the request is insecure"),
            Arguments.of("no key", JSON.createObjectNode(), "The public key supplied in the request could not be parsed"));
    }

    private static ObjectNode csrRequest(byte[] csr) {
        return JSON.createObjectNode().put("certificateSigningRequest", Base64.getEncoder().encodeToString(csr));
    }

    /**
     * Fulcio's messages per class (pkg/server/error.go, grpc_server.go): all InvalidArgument, HTTP 400. RSA keys of
     * 2048 to 8192 bits (upstream takes 2048, 3072 and 4096 only); key and CSR hash as Fulcio's default
     * --client-signing-algorithms (cmd/app/serve.go).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("keyRequestErrors")
    void signingCertV2_keyRequestError_400WithFulcioMessage(String name, ObjectNode req, String message) throws Exception {
        req.putObject("credentials").put("oidcIdentityToken", stack.issuer.emailToken("e@example.com"));
        HttpResponse<String> r = post("/api/v2/signingCert", req.toString(), null);
        assertEquals(400, r.statusCode(), r.body());
        JsonNode err = JSON.readTree(r.body());
        assertEquals(3, err.get("code").asInt());
        assertTrue(err.get("message").asText().startsWith(message), r.body());
    }

    @Test
    void signingCertV2_proofOverWrongSubject_400() throws Exception {
        KeyPair k = generate("EC", "secp256r1");
        HttpResponse<String> r = post("/api/v2/signingCert",
            v2Request(stack.issuer.emailToken("alice@example.com"), k, sign(k, "mallory@example.com")).toString(), null);
        assertEquals(400, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("message").asText().contains("could not be verified"), r.body());
    }

    @Test
    void signingCertV2_tokenInBearerHeader_200() throws Exception {
        KeyPair k = generate("EC", "secp256r1");
        HttpResponse<String> r = post("/api/v2/signingCert", v2Request(null, k, sign(k, "bob@example.com")).toString(),
            stack.issuer.emailToken("bob@example.com"));
        assertEquals(200, r.statusCode(), r.body());
    }

    /**
     * grpc-gateway decodes any request type with its JSON marshaler (the "*" registration), protojson takes proto
     * names as well as JSON names, and DiscardUnknown drops unknown fields and enum names (runtime/marshaler_registry.go).
     */
    @Test
    void signingCertV2_protoNamesUnknownFieldsOtherContentType_200AsGrpcGateway() throws Exception {
        KeyPair k = generate("EC", "secp256r1");
        ObjectNode req = JSON.createObjectNode();
        req.putObject("credentials").put("oidc_identity_token", stack.issuer.emailToken("gw@example.com")).put("extra", 1);
        ObjectNode pkr = req.putObject("public_key_request");
        pkr.putObject("public_key").put("algorithm", "NOT_AN_ALGORITHM").put("content", Pem.encode("PUBLIC KEY", k.getPublic().getEncoded()));
        pkr.put("proof_of_possession", Base64.getEncoder().encodeToString(sign(k, "gw@example.com")));
        req.putObject("futureField").put("x", true);
        for (String type : new String[] {"text/plain", null}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/v2/signingCert"))
                .POST(HttpRequest.BodyPublishers.ofString(req.toString()));
            if (type != null) {
                b.header("Content-Type", type);
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), type + ": " + r.body());
            assertEquals(k.getPublic(), chainOf(JSON.readTree(r.body()).at("/signedCertificateEmbeddedSct/chain/certificates"))
                .getFirst().getPublicKey());
        }
    }

    @Test
    void signingCertV2_csr_200() throws Exception {
        KeyPair k = generate("EC", "secp384r1");
        byte[] csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=ignored"), k.getPublic())
            .build(new JcaContentSignerBuilder("SHA384withECDSA").build(k.getPrivate())).getEncoded();
        ObjectNode req = JSON.createObjectNode();
        req.putObject("credentials").put("oidcIdentityToken", stack.issuer.emailToken("csr@example.com"));
        req.put("certificateSigningRequest", Base64.getEncoder().encodeToString(Pem.encode("CERTIFICATE REQUEST", csr).getBytes(StandardCharsets.US_ASCII)));
        HttpResponse<String> r = post("/api/v2/signingCert", req.toString(), null);
        assertEquals(200, r.statusCode(), r.body());
        assertFulcioCertificate(chainOf(JSON.readTree(r.body()).at("/signedCertificateEmbeddedSct/chain/certificates")),
            SubjectAltName.email("csr@example.com"));
    }

    @Test
    void signingCertV2_noToken_400IdentityTokenError() throws Exception {
        KeyPair k = generate("EC", "secp256r1");
        HttpResponse<String> r = post("/api/v2/signingCert", v2Request(null, k, sign(k, "x")).toString(), null);
        assertEquals(400, r.statusCode());
        JsonNode err = JSON.readTree(r.body());
        assertEquals(3, err.get("code").asInt());
        assertTrue(err.get("message").asText().startsWith("There was an error processing the identity token"), r.body());
    }

    @Test
    void signingCertV2_notJson_400() throws Exception {
        HttpResponse<String> r = post("/api/v2/signingCert", "{nope", null);
        assertEquals(400, r.statusCode());
        assertEquals(3, JSON.readTree(r.body()).get("code").asInt());
    }

    @Test
    void signingCertV2_badPublicKey_400() throws Exception {
        ObjectNode req = JSON.createObjectNode();
        req.putObject("credentials").put("oidcIdentityToken", stack.issuer.emailToken("k@example.com"));
        req.putObject("publicKeyRequest").putObject("publicKey").put("content", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        HttpResponse<String> r = post("/api/v2/signingCert", req.toString(), null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("could not be parsed"), r.body());
    }

    @Test
    void signingCertV1_legacy_201PemChain() throws Exception {
        KeyPair k = generate("EC", "secp256r1");
        ObjectNode req = JSON.createObjectNode();
        req.putObject("publicKey").put("algorithm", "ecdsa").put("content", Base64.getEncoder().encodeToString(k.getPublic().getEncoded()));
        req.put("signedEmailAddress", Base64.getEncoder().encodeToString(sign(k, "legacy@example.com")));
        HttpResponse<String> r = post("/api/v1/signingCert", req.toString(), stack.issuer.emailToken("legacy@example.com"));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("application/pem-certificate-chain", r.headers().firstValue("content-type").orElse(""));
        assertFulcioCertificate(Pem.readCertificates(r.body()), SubjectAltName.email("legacy@example.com"));
    }

    @Test
    void signingCert_devIssuerToken_200() throws Exception {
        JsonNode t = JSON.readTree(get("/dev-oidc/token?email=dev%40example.com").body());
        KeyPair k = generate("EC", "secp256r1");
        HttpResponse<String> r = post("/api/v2/signingCert", v2Request(t.get("id_token").asText(), k, sign(k, "dev@example.com")).toString(), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode disco = JSON.readTree(get("/dev-oidc/.well-known/openid-configuration").body());
        assertEquals(stack.ca.devIssuerUrl(), disco.get("issuer").asText());
        assertEquals(1, JSON.readTree(get("/dev-oidc/jwks").body()).get("keys").size());
    }

    /** Issue 14 as seen on ./sigstack run: the dev issuer's token for a non-ASCII address is refused, not truncated. */
    @Test
    void signingCert_devIssuerNonAsciiEmail_400NeverTruncated() throws Exception {
        for (String[] c : new String[][] {{"alice%40c%C5%AFrp.com", "alice@c\u016Frp.com"}, {"ma%C5%A9n%40corp.com", "ma\u0169n@corp.com"}}) {
            JsonNode t = JSON.readTree(get("/dev-oidc/token?email=" + c[0]).body());
            KeyPair k = generate("EC", "secp256r1");
            HttpResponse<String> r = post("/api/v2/signingCert", v2Request(t.get("id_token").asText(), k, sign(k, c[1])).toString(), null);
            assertEquals(400, r.statusCode(), r.body());
            JsonNode err = JSON.readTree(r.body());
            assertEquals(3, err.get("code").asInt());
            assertTrue(err.get("message").asText().contains("IA5String"), r.body());
        }
    }

    @Test
    void trustBundle_currentChain() throws Exception {
        HttpResponse<String> r = get("/api/v2/trustBundle");
        assertEquals(200, r.statusCode());
        List<X509Certificate> chain = chainOf(JSON.readTree(r.body()).at("/chains/0/certificates"));
        assertEquals(stack.ca.chain(), chain);
        HttpResponse<String> legacy = get("/api/v1/rootCert");
        assertEquals(stack.ca.chain(), Pem.readCertificates(legacy.body()));
    }

    @Test
    void configuration_listsIssuers() throws Exception {
        JsonNode c = JSON.readTree(get("/api/v2/configuration").body());
        List<String> urls = new ArrayList<>();
        c.get("issuers").forEach(i -> urls.add(i.get("issuerUrl").asText()));
        assertTrue(urls.contains(stack.issuer.url()));
        assertTrue(urls.contains(stack.ca.devIssuerUrl()));
        c.get("issuers").forEach(i -> assertEquals("email", i.get("challengeClaim").asText()));
    }

    /**
     * grpc-gateway's marshaler emits unpopulated fields (EmitUnpopulated, runtime/marshaler_registry.go), so Fulcio's
     * configuration always carries every OIDCIssuer field, empty or false when unset.
     */
    @Test
    void configuration_everyIssuer_allFieldsPresentAsGrpcGateway() throws Exception {
        HttpResponse<String> r = get("/api/v2/configuration");
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode issuers = JSON.readTree(r.body()).get("issuers");
        assertTrue(issuers.size() >= 2, r.body());
        for (JsonNode i : issuers) {
            assertTrue(i.has("issuerUrl") != i.has("wildcardIssuerUrl"), "one of the oneof: " + i);
            for (String f : List.of("audience", "challengeClaim", "spiffeTrustDomain", "issuerType", "subjectDomain")) {
                assertTrue(i.path(f).isTextual(), f + " in " + i);
            }
            assertTrue(i.path("skipEmailVerification").isBoolean(), "skipEmailVerification in " + i);
            assertEquals("", i.get("spiffeTrustDomain").asText(), "email issuers have no trust domain");
        }
    }

    /** grpc-gateway answers a known path with another method as Unimplemented (runtime/mux.go, DefaultRoutingErrorHandler). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, /api/v2/signingCert", "POST, /api/v2/trustBundle", "DELETE, /api/v2/configuration",
        "GET, /api/v1/signingCert", "PUT, /api/v1/rootCert"})
    void fulcioPath_otherMethod_501MethodNotAllowed(String method, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.baseUrl() + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(501, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode err = JSON.readTree(r.body());
        assertEquals(12, err.get("code").asInt());
        assertEquals("Method Not Allowed", err.get("message").asText());
        assertTrue(err.get("details").isArray());
    }

    /** Fulcio's grpc-gateway serves /healthz (WithHealthzEndpoint, cmd/app/http.go); sigstore's helm chart probes it. */
    @Test
    void healthz_asFulcioGateway_200Serving() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        assertEquals("SERVING", JSON.readTree(r.body()).get("status").asText());
    }

    @Test
    void health_up() throws Exception {
        int status = get("/observe/health").statusCode();
        assertTrue(status == 200 || status == 204, "health answers UP (200, or 204 without details): " + status);
        HttpResponse<String> metrics = get("/observe/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("ca_certificates_issued"), "issuance counter is exported");
    }

    @Test
    void signingCert_secondRequest_newSerialAndLogEntry() throws Exception {
        long before = stack.engine.size();
        KeyPair k = generate("EC", "secp256r1");
        String body = v2Request(stack.issuer.emailToken("s@example.com"), k, sign(k, "s@example.com")).toString();
        X509Certificate a = chainOf(JSON.readTree(post("/api/v2/signingCert", body, null).body()).at("/signedCertificateEmbeddedSct/chain/certificates")).getFirst();
        X509Certificate b = chainOf(JSON.readTree(post("/api/v2/signingCert", body, null).body()).at("/signedCertificateEmbeddedSct/chain/certificates")).getFirst();
        assertFalse(a.getSerialNumber().equals(b.getSerialNumber()));
        assertEquals(before + 2, stack.engine.size());
    }
}
