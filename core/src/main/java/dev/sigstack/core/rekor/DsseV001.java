package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.PublicKeyMaterial.HashAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code dsse} 0.0.1 ({@code pkg/types/dsse/v0.0.1}): the client proposes {@code proposedContent} (the envelope as a
 * JSON string, and PEM verifiers); the stored body drops the envelope and keeps {@code envelopeHash} (SHA-256 of the
 * envelope string), {@code payloadHash} (SHA-256 of the decoded payload) and the signatures, sorted by signature,
 * each with the canonical PEM of the key that verified it.
 */
final class DsseV001 {
    static final String KIND = "dsse";
    static final String VERSION = "0.0.1";

    private DsseV001() {
    }

    static CanonicalEntry canonicalize(JsonNode spec) throws ProposedEntryException {
        if (spec.has("envelopeHash") || spec.has("payloadHash") || spec.has("signatures")) {
            throw new ProposedEntryException.Malformed(
                    "either proposedContent or envelopeHash, payloadHash, and signatures must be present but not both");
        }
        JsonNode proposed = Json.object(spec, "proposedContent", "proposedContent");
        String envelopeText = Json.string(proposed, "envelope", "proposedContent.envelope");
        JsonNode verifiersNode = proposed.get("verifiers");
        if (verifiersNode == null || !verifiersNode.isArray() || verifiersNode.isEmpty()) {
            throw new ProposedEntryException.Malformed("proposedContent.verifiers in body should have at least 1 items");
        }
        List<PublicKeyMaterial> keys = new ArrayList<>();
        for (JsonNode v : verifiersNode) {
            if (!v.isTextual()) {
                throw new ProposedEntryException.Malformed("an invalid null verifier was provided in ProposedContent");
            }
            keys.add(PublicKeyMaterial.parsePem(Json.base64(v.textValue(), "verifier")));
        }

        JsonNode envelope;
        try {
            envelope = CanonicalJson.STRICT.readTree(envelopeText);
        } catch (IOException e) {
            throw new ProposedEntryException.Malformed("proposedContent.envelope is not a DSSE envelope: " + e.getMessage(), e);
        }
        if (envelope == null || !envelope.isObject()) {
            throw new ProposedEntryException.Malformed("proposedContent.envelope is not a DSSE envelope");
        }
        String payloadType = Json.string(envelope, "payloadType", "envelope.payloadType");
        byte[] payload;
        try {
            payload = Dsse.decodeLenient(Json.string(envelope, "payload", "envelope.payload"));
        } catch (IllegalArgumentException e) {
            throw new ProposedEntryException.Malformed("envelope payload is not base64", e);
        }
        List<EnvelopeVerification.Sig> sigs = new ArrayList<>();
        for (JsonNode s : envelope.path("signatures")) {
            String encoded = Json.string(s, "sig", "envelope.signatures.sig");
            try {
                sigs.add(new EnvelopeVerification.Sig(encoded, Dsse.decodeLenient(encoded)));
            } catch (IllegalArgumentException e) {
                throw new ProposedEntryException.Malformed("envelope signature is not base64", e);
            }
        }
        Map<String, PublicKeyMaterial> verifiedBy = EnvelopeVerification.verify(payloadType, payload, sigs, keys);

        String payloadHash = HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(payload));
        String envelopeHash = HexFormat.of().formatHex(
                HashAlgorithm.SHA256.digest(envelopeText.getBytes(StandardCharsets.UTF_8)));
        ObjectNode outSpec = Json.F.objectNode();
        outSpec.set("envelopeHash", Json.hash("sha256", envelopeHash));
        outSpec.set("payloadHash", Json.hash("sha256", payloadHash));
        ArrayNode outSigs = outSpec.putArray("signatures");
        List<String> keysOut = new ArrayList<>();
        for (Map.Entry<String, PublicKeyMaterial> e : new TreeMap<>(verifiedBy).entrySet()) {
            byte[] pem = e.getValue().canonicalPem();
            ObjectNode s = outSigs.addObject();
            s.put("signature", e.getKey());
            s.put("verifier", Base64.getEncoder().encodeToString(pem));
            keysOut.add("sha256:" + HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(pem)));
            keysOut.addAll(e.getValue().subjectAlternativeNames());
        }
        byte[] body = CanonicalJson.canonicalize(Json.envelope(KIND, VERSION, outSpec));
        keysOut.add("sha256:" + payloadHash);
        keysOut.add("sha256:" + envelopeHash);
        if (Dsse.IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
            keysOut.addAll(EnvelopeVerification.inTotoKeys(payload));
        }
        return new CanonicalEntry(KIND, VERSION, body, keysOut);
    }
}
