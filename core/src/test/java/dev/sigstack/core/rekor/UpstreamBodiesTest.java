package dev.sigstack.core.rekor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.testing.Vectors;
import dev.sigstore.proto.rekor.v2.Entry;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bodies that production Rekor and rekor-tiles wrote (inside sigstore-conformance bundles): proposing the same
 * content must give the same bytes, because the leaf hash, the UUID and every proof depend on them.
 */
final class UpstreamBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode loggedBody(String testCase) throws Exception {
        Path file = Vectors.dir("sigstore-conformance/bundle-verify").resolve(testCase).resolve("bundle.sigstore.json");
        JsonNode bundle = JSON.readTree(Files.readAllBytes(file));
        return JSON.readTree(Base64.getDecoder().decode(
                bundle.path("verificationMaterial").path("tlogEntries").get(0).path("canonicalizedBody").asText()));
    }

    private static byte[] bytes(JsonNode n) {
        return CanonicalJson.canonicalize(n);
    }

    @Test
    void canonicalize_hashedRekordFromProductionRekor_reproducesBodyByteForByte() throws Exception {
        JsonNode logged = loggedBody("happy-path-v0.3");
        ObjectNode proposed = logged.deepCopy();
        // a client sends the PEM it has; the server re-encodes it, so the round trip must be stable
        CanonicalEntry entry = ProposedEntries.canonicalize(JSON.writeValueAsBytes(proposed));
        assertArrayEquals(bytes(logged), entry.body());
        assertEquals("hashedrekord", entry.kind());
        String hashKey = "sha256:" + logged.path("spec").path("data").path("hash").path("value").asText();
        assertTrue(entry.indexKeys().contains(hashKey), entry.indexKeys().toString());
    }

    @Test
    void canonicalize_intotoV002FromRekor_reproducesBodyWithoutPayload() throws Exception {
        JsonNode logged = loggedBody("intoto-with-custom-trust-root");
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("intoto-with-custom-trust-root");
        JsonNode bundle = JSON.readTree(Files.readAllBytes(dir.resolve("bundle.sigstore.json")));
        ObjectNode proposed = logged.deepCopy();
        ObjectNode envelope = (ObjectNode) proposed.path("spec").path("content").path("envelope");
        // the proposed payload is base64 of the DSSE base64 payload string
        String dssePayload = bundle.path("dsseEnvelope").path("payload").asText();
        envelope.put("payload", Base64.getEncoder().encodeToString(dssePayload.getBytes(StandardCharsets.UTF_8)));
        ((ObjectNode) proposed.path("spec").path("content")).remove("payloadHash");
        CanonicalEntry entry = ProposedEntries.canonicalize(JSON.writeValueAsBytes(proposed));
        // This vector's log kept the envelope payload; Rekor's intoto 0.0.2 Canonicalize (since its first version,
        // sigstore/rekor#973) stores payloadType and signatures only, and so do we.
        ObjectNode expected = logged.deepCopy();
        ((ObjectNode) expected.path("spec").path("content").path("envelope")).remove("payload");
        assertArrayEquals(bytes(expected), entry.body());
        assertTrue(entry.indexKeys().contains("sha256:"
                + logged.path("spec").path("content").path("payloadHash").path("value").asText()));
    }

    @Test
    void canonicalize_dsseFromProductionRekor_reproducesSignaturesAndPayloadHash() throws Exception {
        JsonNode logged = loggedBody("happy-path-intoto-in-dsse-v3");
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-intoto-in-dsse-v3");
        JsonNode env = JSON.readTree(Files.readAllBytes(dir.resolve("bundle.sigstore.json"))).path("dsseEnvelope");
        // the envelope string a client submits; envelopeHash is over exactly these bytes
        ObjectNode submitted = JSON.createObjectNode();
        submitted.put("payload", env.path("payload").asText());
        submitted.put("payloadType", env.path("payloadType").asText());
        submitted.putArray("signatures").addObject().put("sig", env.path("signatures").get(0).path("sig").asText());
        String envelopeText = JSON.writeValueAsString(submitted);
        String verifier = logged.path("spec").path("signatures").get(0).path("verifier").asText();
        ObjectNode proposed = JSON.createObjectNode();
        proposed.put("apiVersion", "0.0.1");
        proposed.put("kind", "dsse");
        ObjectNode content = proposed.putObject("spec").putObject("proposedContent");
        content.put("envelope", envelopeText);
        content.putArray("verifiers").add(verifier);

        CanonicalEntry entry = ProposedEntries.canonicalize(JSON.writeValueAsBytes(proposed));
        JsonNode ours = JSON.readTree(entry.body());
        assertEquals(logged.path("spec").path("signatures"), ours.path("spec").path("signatures"));
        assertEquals(logged.path("spec").path("payloadHash"), ours.path("spec").path("payloadHash"));
        assertEquals(List.of("apiVersion", "kind", "spec"), fieldNames(ours));
        assertEquals(List.of("envelopeHash", "payloadHash", "signatures"), fieldNames(ours.path("spec")));
    }

    @Test
    void hashedRekord_v002FromRekorTiles_reproducesLeafByteForByte() throws Exception {
        JsonNode logged = loggedBody("rekor2-happy-path");
        Entry.Builder parsed = Entry.newBuilder();
        JsonFormat.parser().merge(JSON.writeValueAsString(logged), parsed);
        var hr = parsed.getSpec().getHashedRekordV002();
        HashedRekordRequestV002 request = HashedRekordRequestV002.newBuilder()
                .setDigest(hr.getData().getDigest())
                .setSignature(hr.getSignature())
                .build();
        RekorV2Entries.V2Entry entry = RekorV2Entries.hashedRekord(request);
        assertArrayEquals(bytes(logged), entry.body());
        assertEquals("hashedrekord", entry.kindVersion().getKind());
        assertEquals("0.0.2", entry.kindVersion().getVersion());
    }

    @Test
    void hashedRekord_v002WithAlteredDigest_isRefused() throws Exception {
        JsonNode logged = loggedBody("rekor2-happy-path");
        Entry.Builder parsed = Entry.newBuilder();
        JsonFormat.parser().merge(JSON.writeValueAsString(logged), parsed);
        var hr = parsed.getSpec().getHashedRekordV002();
        byte[] digest = hr.getData().getDigest().toByteArray();
        digest[0] ^= 1;
        HashedRekordRequestV002 request = HashedRekordRequestV002.newBuilder()
                .setDigest(ByteString.copyFrom(digest)).setSignature(hr.getSignature()).build();
        var e = org.junit.jupiter.api.Assertions.assertThrows(ProposedEntryException.SignatureInvalid.class,
                () -> RekorV2Entries.hashedRekord(request));
        assertTrue(e.getMessage().startsWith("verifying signature"), e.getMessage());
    }

    private static List<String> fieldNames(JsonNode n) {
        java.util.ArrayList<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
