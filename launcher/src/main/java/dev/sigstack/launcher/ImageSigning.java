package dev.sigstack.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.core.sign.EphemeralSigner;
import dev.sigstack.core.sign.FulcioRequests;
import dev.sigstack.core.sign.IdentityTokens;
import dev.sigstack.core.sign.RekorRequests;
import dev.sigstack.core.sign.SigningException;
import dev.sigstack.gate.oci.SignatureLayer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * What the demo's CI does to an image, by hand: push a small image to a registry, and sign it keyless the way cosign
 * does ({@code cosign sign} with {@code --fulcio-url}, {@code --rekor-url}): a certificate from the stack's CA, a
 * hashedrekord entry in its Rekor v1 log over the simple-signing payload, and the signature manifest under the tag
 * {@code sha256-<hex>.sig} with cosign's layer annotations (signature, certificate, chain, and the Rekor bundle with
 * the SignedEntryTimestamp).
 */
final class ImageSigning {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String registry;

    /** @param registry {@code host:port} of a registry reached over plain HTTP (the demo's loopback registry) */
    ImageSigning(String registry) {
        this.registry = registry;
    }

    /** Pushes a one-config image (no layers) under {@code repo:tag}; returns its manifest digest. */
    String pushImage(String repo, String tag) throws IOException, InterruptedException {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"config\":{\"Labels\":{\"org.opencontainers.image.title\":\"" + repo + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        ObjectNode m = manifest(pushBlob(repo, config), config.length);
        return pushManifest(repo, tag, JSON.writeValueAsBytes(m));
    }

    /**
     * Signs {@code repo@digest} with a fresh key and a certificate for {@code token}'s identity, logs it, and pushes
     * the signature; returns the Rekor log index.
     */
    long signKeyless(String repo, String digest, String token, String caUrl, String rekorUrl)
            throws IOException, InterruptedException, SigningException, GeneralSecurityException {
        EphemeralSigner key = EphemeralSigner.generate();
        byte[] certBody = post(caUrl + FulcioRequests.PATH, FulcioRequests.signingCertRequest(token, key.publicKey(),
                key.proofOfPossession(IdentityTokens.challengeSubject(token))), "the CA");
        List<X509Certificate> chain = FulcioRequests.parseResponse(certBody);

        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + registry + "/" + repo
                + "\"},\"image\":{\"docker-manifest-digest\":\"" + digest
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(payload);
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(payload);
        JsonNode entry = JSON.readTree(post(rekorUrl + RekorRequests.V1_PATH,
                RekorRequests.v1HashedRekord(sha256, signature, chain.get(0)), "Rekor")).elements().next();
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("SignedEntryTimestamp", entry.at("/verification/signedEntryTimestamp").asText());
        bundle.putObject("Payload").put("body", entry.path("body").asText())
                .put("integratedTime", entry.path("integratedTime").asLong())
                .put("logIndex", entry.path("logIndex").asLong())
                .put("logID", entry.path("logID").asText());

        StringBuilder rest = new StringBuilder();
        for (X509Certificate c : chain.subList(1, chain.size())) {
            rest.append(Pem.certificate(c));
        }
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        ObjectNode m = manifest(pushBlob(repo, config), config.length);
        ObjectNode layer = m.withArray("layers").addObject();
        layer.put("mediaType", SignatureLayer.SIMPLE_SIGNING).put("digest", pushBlob(repo, payload))
                .put("size", payload.length);
        layer.putObject("annotations")
                .put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(signature))
                .put(SignatureLayer.ANN_CERTIFICATE, Pem.certificate(chain.get(0)))
                .put(SignatureLayer.ANN_CHAIN, rest.toString())
                .put(SignatureLayer.ANN_BUNDLE, bundle.toString());
        pushManifest(repo, digest.replace(':', '-') + ".sig", JSON.writeValueAsBytes(m));
        return entry.path("logIndex").asLong();
    }

    private static ObjectNode manifest(String configDigest, long size) {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2).put("mediaType", OCI_MANIFEST);
        m.putObject("config").put("mediaType", OCI_CONFIG).put("digest", configDigest).put("size", size);
        m.putArray("layers");
        return m;
    }

    private String pushBlob(String repo, byte[] blob) throws IOException, InterruptedException {
        String digest = sha256(blob);
        HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + repo
                + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(202, start, "starting a blob upload");
        URI upload = URI.create("http://" + registry).resolve(start.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("the registry gave no upload Location")));
        URI put = URI.create(upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + digest);
        expect(201, http.send(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString()),
                "uploading a blob");
        return digest;
    }

    private String pushManifest(String repo, String tag, byte[] manifest) throws IOException, InterruptedException {
        expect(201, http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + repo + "/manifests/"
                + tag)).header("Content-Type", OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                .build(), HttpResponse.BodyHandlers.ofString()), "pushing a manifest");
        return sha256(manifest);
    }

    private byte[] post(String url, byte[] json, String who) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IOException(who + " answered " + r.statusCode() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    private static void expect(int status, HttpResponse<String> r, String what) throws IOException {
        if (r.statusCode() != status) {
            throw new IOException("the registry refused " + what + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
