package dev.sigstack.gate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.gate.oci.CosignArtifacts;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.oci.Manifest;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.core.pem.Pem;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;

/**
 * What cosign does against our stack, over HTTP: {@code cosign sign} and {@code cosign attest}, keyless (a certificate
 * from the CA's {@code POST /api/v2/signingCert} with proof of possession) or with a key, with the signature logged in
 * Rekor v1 ({@code hashedrekord} 0.0.1 for signatures, {@code intoto} 0.0.2 for attestations) and optionally
 * timestamped by the CA's RFC 3161 TSA; then the result is pushed to the registry in cosign's layout
 * ({@code sha256-<hex>.sig} simple-signing layers, {@code sha256-<hex>.att} DSSE layers, with cosign's annotations).
 * Like cosign, a second signature or attestation is appended to the image's existing {@code .sig}/{@code .att}.
 */
public final class StackCosign {
    private final SigstackStack stack;
    private final TestRegistry registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, List<Cosign.Layer>> pushed = new ConcurrentHashMap<>();

    public StackCosign(SigstackStack stack, TestRegistry registry) {
        this.stack = stack;
        this.registry = registry;
    }

    /** An ephemeral key and the certificate chain (leaf first, PEM) the CA issued for it. */
    public record Identity(KeyPair key, String certificatePem, String chainPem) {
        @Override
        public String toString() {
            return "Identity[certificate]";
        }
    }

    /** How to sign: keyless with a certificate, or with a long-lived key (cosign {@code --key}). */
    public sealed interface SignWith permits Keyless, WithKey {
    }

    /** Keyless: the identity's certificate and chain go into the annotations. */
    public record Keyless(Identity identity) implements SignWith {
    }

    /** A key pair (cosign generate-key-pair); the public key goes into the Rekor entry. */
    public record WithKey(KeyPair key) implements SignWith {
        @Override
        public String toString() {
            return "WithKey[...]";
        }
    }

    /** An id token for an e-mail, from the development issuer's HTTP token endpoint. */
    public String emailToken(String email) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(stack.devIssuerUrl() + "/token?email="
                + URLEncoder.encode(email, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        check(r, 200, "dev issuer token");
        return Cosign.tree(r.body().getBytes(StandardCharsets.UTF_8)).path("id_token").asText();
    }

    /**
     * A certificate for a fresh P-256 key, as cosign asks Fulcio: {@code POST /api/v2/signingCert} with the token and
     * the public key, proving possession by signing the token's challenge claim ({@code challenge}: the subject for
     * CI issuers, the e-mail for e-mail issuers).
     */
    public Identity certificate(String idToken, String challenge) throws Exception {
        KeyPair key = Cosign.ecKey();
        ObjectNode req = Cosign.JSON.createObjectNode();
        req.putObject("credentials").put("oidcIdentityToken", idToken);
        ObjectNode pkr = req.putObject("publicKeyRequest");
        pkr.putObject("publicKey").put("algorithm", "ECDSA").put("content", Cosign.pem(key.getPublic()));
        pkr.put("proofOfPossession", Base64.getEncoder().encodeToString(Cosign.sign(key.getPrivate(),
                challenge.getBytes(StandardCharsets.UTF_8))));
        JsonNode certs = post(stack.caUrl() + "/api/v2/signingCert", "application/json", Cosign.bytes(req), 200,
                "signingCert").at("/signedCertificateEmbeddedSct/chain/certificates");
        if (!certs.isArray() || certs.isEmpty()) {
            throw new IllegalStateException("the CA answered no certificate chain");
        }
        StringBuilder chain = new StringBuilder();
        for (int i = 1; i < certs.size(); i++) {
            chain.append(certs.get(i).asText());
        }
        return new Identity(key, certs.get(0).asText(), chain.toString());
    }

    /** A keyless identity for the CI workflow of {@code repository} built at {@code ref}. */
    public Identity ci(String repository, String ref) throws Exception {
        String token = stack.ciToken(repository, ref);
        return certificate(token, "repo:" + repository + ":ref:" + ref);
    }

    /** A keyless identity for an e-mail (a developer's own token from the development issuer). */
    public Identity email(String email) throws Exception {
        return certificate(emailToken(email), email);
    }

    /**
     * {@code cosign sign}: signs the simple-signing payload for {@code repo@digest}, logs a hashedrekord entry, pushes
     * the signature layer; {@code timestamp} asks the CA's TSA for an RFC 3161 timestamp over the signature.
     */
    public void sign(String repo, String digest, SignWith with, boolean timestamp) throws Exception {
        byte[] payload = Cosign.simpleSigning(registry.host() + "/" + repo, digest);
        KeyPair key = keyOf(with);
        byte[] sig = Cosign.sign(key.getPrivate(), payload);
        String verifierPem = with instanceof Keyless k ? k.identity().certificatePem() : Cosign.pem(key.getPublic());
        ObjectNode entry = Cosign.JSON.createObjectNode();
        entry.put("apiVersion", "0.0.1").put("kind", "hashedrekord");
        ObjectNode spec = entry.putObject("spec");
        spec.putObject("signature").put("content", Base64.getEncoder().encodeToString(sig)).putObject("publicKey")
                .put("content", b64(verifierPem));
        spec.putObject("data").putObject("hash").put("algorithm", "sha256")
                .put("value", Digests.sha256(payload).substring("sha256:".length()));
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
        identityAnnotations(with, ann);
        ann.put(SignatureLayer.ANN_BUNDLE, rekorBundle(entry));
        if (timestamp) {
            ann.put(SignatureLayer.ANN_TIMESTAMP, timestamp(sig));
        }
        append(repo, digest, ".sig", new Cosign.Layer(SignatureLayer.SIMPLE_SIGNING, payload, ann));
    }

    /**
     * {@code cosign attest}: an in-toto v1 statement about {@code repo@digest} with the predicate, in a DSSE envelope
     * signed with the identity, logged as an {@code intoto} 0.0.2 entry, appended to the image's {@code .att}.
     */
    public void attest(String repo, String digest, SignWith with, String predicateType, JsonNode predicate)
            throws Exception {
        byte[] statement = Cosign.statement(registry.host() + "/" + repo, digest, predicateType, predicate);
        KeyPair key = keyOf(with);
        Cosign.Layer envelopeLayer = Cosign.attestationLayer(statement, key.getPrivate(), Map.of());
        JsonNode envelope = Cosign.tree(envelopeLayer.blob());
        String dsseSig = envelope.path("signatures").get(0).path("sig").asText();
        String verifierPem = with instanceof Keyless k ? k.identity().certificatePem() : Cosign.pem(key.getPublic());
        // intoto 0.0.2 as cosign proposes it: payload and sig base64 once more, the verifier as base64 PEM, and the
        // hash of the envelope as the client serialized it.
        ObjectNode entry = Cosign.JSON.createObjectNode();
        entry.put("apiVersion", "0.0.2").put("kind", "intoto");
        ObjectNode content = entry.putObject("spec").putObject("content");
        ObjectNode env = content.putObject("envelope");
        env.put("payloadType", envelope.path("payloadType").asText());
        env.put("payload", b64(envelope.path("payload").asText()));
        env.putArray("signatures").addObject().put("sig", b64(dsseSig)).put("publicKey", b64(verifierPem));
        content.putObject("hash").put("algorithm", "sha256").put("value",
                Digests.sha256(envelopeLayer.blob()).substring("sha256:".length()));
        Map<String, String> ann = new LinkedHashMap<>(envelopeLayer.annotations());
        identityAnnotations(with, ann);
        ann.put(SignatureLayer.ANN_BUNDLE, rekorBundle(entry));
        append(repo, digest, ".att", new Cosign.Layer(SignatureLayer.DSSE, envelopeLayer.blob(), ann));
    }

    /** The predicate type of cosign's signature statement in the new bundle format. */
    public static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

    /**
     * {@code cosign sign --new-bundle-format}: a DSSE envelope over an in-toto statement about {@code repo@digest}
     * (cosign's sign predicate), logged as a {@code dsse} 0.0.1 entry, written as a v0.3 Sigstore bundle with the
     * Rekor entry's SET and inclusion proof, and attached as an OCI 1.1 referrer. Distribution 2.8 has no referrers
     * API (404), so, as cosign does, the referrers tag schema ({@code sha256-<hex>} index) is maintained instead.
     *
     * @return the HTTP status the registry answered to the referrers API
     */
    public int signBundle(String repo, String digest, Identity identity) throws Exception {
        byte[] statement = Cosign.statement(registry.host() + "/" + repo, digest, COSIGN_SIGN_PREDICATE,
                Cosign.JSON.createObjectNode());
        Cosign.Layer envelopeLayer = Cosign.attestationLayer(statement, identity.key().getPrivate(), Map.of());
        ObjectNode proposed = Cosign.JSON.createObjectNode();
        proposed.put("apiVersion", "0.0.1").put("kind", "dsse");
        ObjectNode content = proposed.putObject("spec").putObject("proposedContent");
        content.put("envelope", new String(envelopeLayer.blob(), StandardCharsets.UTF_8));
        content.putArray("verifiers").add(b64(identity.certificatePem()));
        JsonNode e = post(stack.rekorUrl() + "/api/v1/log/entries", "application/json", Cosign.bytes(proposed), 201,
                "rekor entry").elements().next();
        JsonNode proof = e.at("/verification/inclusionProof");
        if (proof.isMissingNode()) {
            throw new IllegalStateException("Rekor answered no inclusion proof: " + e);
        }
        ObjectNode b = Cosign.JSON.createObjectNode();
        b.put("mediaType", CosignArtifacts.BUNDLE_ARTIFACT_TYPE);
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("certificate").put("rawBytes", Base64.getEncoder().encodeToString(
                Pem.readCertificates(identity.certificatePem()).get(0).getEncoded()));
        ObjectNode t = vm.putArray("tlogEntries").addObject();
        t.put("logIndex", e.path("logIndex").asText());
        t.putObject("logId").put("keyId", Base64.getEncoder().encodeToString(
                HexFormat.of().parseHex(e.path("logID").asText())));
        t.putObject("kindVersion").put("kind", "dsse").put("version", "0.0.1");
        t.put("integratedTime", e.path("integratedTime").asText());
        t.putObject("inclusionPromise").put("signedEntryTimestamp", e.at("/verification/signedEntryTimestamp")
                .asText());
        ObjectNode ip = t.putObject("inclusionProof");
        ip.put("logIndex", proof.path("logIndex").asText());
        ip.put("rootHash", hexToBase64(proof.path("rootHash").asText()));
        ip.put("treeSize", proof.path("treeSize").asText());
        var hashes = ip.putArray("hashes");
        proof.path("hashes").forEach(h -> hashes.add(hexToBase64(h.asText())));
        ip.putObject("checkpoint").put("envelope", proof.path("checkpoint").asText());
        t.put("canonicalizedBody", e.path("body").asText());
        b.set("dsseEnvelope", Cosign.tree(envelopeLayer.blob()));
        return attachReferrer(repo, digest, Cosign.bytes(b));
    }

    private int attachReferrer(String repo, String digest, byte[] bundle) throws Exception {
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/"
                + repo + "/referrers/" + digest)).build(), HttpResponse.BodyHandlers.ofString());
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        ObjectNode m = TestRegistry.manifest("application/vnd.oci.empty.v1+json", registry.pushBlob(repo, empty),
                empty.length);
        m.put("artifactType", CosignArtifacts.BUNDLE_ARTIFACT_TYPE);
        m.withArray("layers").add(TestRegistry.descriptor(CosignArtifacts.BUNDLE_ARTIFACT_TYPE,
                registry.pushBlob(repo, bundle), bundle.length, Map.of("dev.sigstore.bundle.content", "dsse-envelope",
                        "dev.sigstore.bundle.predicateType", COSIGN_SIGN_PREDICATE)));
        m.set("subject", TestRegistry.descriptor(Manifest.OCI_MANIFEST, digest, 0, Map.of()));
        byte[] mb = Cosign.bytes(m);
        String md = registry.pushManifest(repo, Digests.sha256(mb), mb, Manifest.OCI_MANIFEST);
        if (api.statusCode() == 404) {
            ObjectNode index = Cosign.JSON.createObjectNode();
            index.put("schemaVersion", 2);
            index.put("mediaType", Manifest.OCI_INDEX);
            ObjectNode d = TestRegistry.descriptor(Manifest.OCI_MANIFEST, md, mb.length, Map.of());
            d.put("artifactType", CosignArtifacts.BUNDLE_ARTIFACT_TYPE);
            index.putArray("manifests").add(d);
            registry.pushManifest(repo, Digests.cosignTag(digest, ""), Cosign.bytes(index), Manifest.OCI_INDEX);
        }
        return api.statusCode();
    }

    private static String hexToBase64(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }

    /** Pushes a fresh image and returns its digest. */
    public String pushImage(String repo) throws Exception {
        return registry.pushImage(repo, "v1");
    }

    /** {@code host/repo@digest}. */
    public String ref(String repo, String digest) {
        return registry.host() + "/" + repo + "@" + digest;
    }

    private static KeyPair keyOf(SignWith with) {
        return switch (with) {
            case Keyless k -> k.identity().key();
            case WithKey k -> k.key();
        };
    }

    private static void identityAnnotations(SignWith with, Map<String, String> ann) {
        if (with instanceof Keyless k) {
            ann.put(SignatureLayer.ANN_CERTIFICATE, k.identity().certificatePem());
            ann.put(SignatureLayer.ANN_CHAIN, k.identity().chainPem());
        }
    }

    /** Logs the proposed entry in Rekor v1; returns cosign's {@code dev.sigstore.cosign/bundle} annotation. */
    private String rekorBundle(ObjectNode proposed) throws Exception {
        JsonNode logged = post(stack.rekorUrl() + "/api/v1/log/entries", "application/json", Cosign.bytes(proposed),
                201, "rekor entry");
        JsonNode e = logged.elements().next();
        ObjectNode bundle = Cosign.JSON.createObjectNode();
        bundle.put("SignedEntryTimestamp", e.at("/verification/signedEntryTimestamp").asText());
        bundle.putObject("Payload").put("body", e.path("body").asText())
                .put("integratedTime", e.path("integratedTime").asLong())
                .put("logIndex", e.path("logIndex").asLong()).put("logID", e.path("logID").asText());
        return bundle.toString();
    }

    /** cosign's {@code --timestamp-server-url}: an RFC 3161 request over the signature bytes. */
    private String timestamp(byte[] sig) throws Exception {
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(true);
        byte[] request = g.generate(TSPAlgorithms.SHA256, MessageDigest.getInstance("SHA-256").digest(sig))
                .getEncoded();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(stack.caUrl() + "/api/v1/timestamp"))
                .header("Content-Type", "application/timestamp-query")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("TSA answered HTTP " + r.statusCode());
        }
        new TimeStampResponse(r.body()).validate(new org.bouncycastle.tsp.TimeStampRequest(request));
        return Cosign.JSON.createObjectNode().put("SignedRFC3161Timestamp", Base64.getEncoder().encodeToString(
                r.body())).toString();
    }

    private void append(String repo, String digest, String suffix, Cosign.Layer layer) throws Exception {
        List<Cosign.Layer> layers = pushed.computeIfAbsent(repo + "@" + digest + suffix, k -> new ArrayList<>());
        synchronized (layers) {
            layers.add(layer);
            Cosign.push(registry, repo, digest, suffix, List.copyOf(layers));
        }
    }

    private JsonNode post(String url, String contentType, byte[] body, int expected, String what) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        check(r, expected, what);
        return Cosign.tree(r.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void check(HttpResponse<String> r, int expected, String what) {
        if (r.statusCode() != expected) {
            throw new IllegalStateException(what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

}
