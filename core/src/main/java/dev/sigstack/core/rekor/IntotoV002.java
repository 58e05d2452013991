package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.PublicKeyMaterial.HashAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code intoto} 0.0.2 ({@code pkg/types/intoto/v0.0.2}). The proposed envelope carries {@code payload} and each
 * {@code sig} base64-encoded twice (the JSON field is base64 of the DSSE base64 string), and a {@code publicKey}
 * (base64 PEM) per signature. The stored body keeps {@code content.envelope} without the payload (payloadType and
 * signatures as proposed), the client's {@code content.hash}, and the server's {@code content.payloadHash}.
 */
final class IntotoV002 {
    static final String KIND = "intoto";
    static final String VERSION = "0.0.2";

    private IntotoV002() {
    }

    static CanonicalEntry canonicalize(JsonNode spec) throws ProposedEntryException {
        JsonNode content = Json.object(spec, "content", "content");
        JsonNode envelope = Json.object(content, "envelope", "content.envelope");
        String payloadType = Json.string(envelope, "payloadType", "content.envelope.payloadType");
        byte[] payloadField = Json.base64(Json.string(envelope, "payload", "content.envelope.payload"), "payload");
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(new String(payloadField, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ProposedEntryException.Malformed("could not decode envelope payload: " + e.getMessage(), e);
        }
        JsonNode sigsNode = envelope.get("signatures");
        if (sigsNode == null || !sigsNode.isArray() || sigsNode.isEmpty()) {
            throw new ProposedEntryException.Malformed("content.envelope.signatures in body should have at least 1 items");
        }
        List<EnvelopeVerification.Sig> sigs = new ArrayList<>();
        List<PublicKeyMaterial> keys = new ArrayList<>();
        ArrayNode outSigs = Json.F.arrayNode();
        for (JsonNode s : sigsNode) {
            if (!s.isObject()) {
                throw new ProposedEntryException.Malformed("content.envelope.signatures items must be objects");
            }
            byte[] sigField = Json.base64(Json.string(s, "sig", "content.envelope.signatures.sig"), "signature");
            byte[] keyField = Json.base64(Json.string(s, "publicKey", "content.envelope.signatures.publicKey"), "public key");
            String keyid = Json.optionalString(s, "keyid", "content.envelope.signatures.keyid");
            String dsseSig = new String(sigField, StandardCharsets.UTF_8);
            try {
                sigs.add(new EnvelopeVerification.Sig(dsseSig, Dsse.decodeLenient(dsseSig)));
            } catch (IllegalArgumentException e) {
                throw new ProposedEntryException.Malformed("envelope signature is not base64", e);
            }
            keys.add(PublicKeyMaterial.parsePem(keyField));
            ObjectNode o = outSigs.addObject();
            if (keyid != null && !keyid.isEmpty()) {
                o.put("keyid", keyid);
            }
            o.put("publicKey", Base64.getEncoder().encodeToString(keyField));
            o.put("sig", Base64.getEncoder().encodeToString(sigField));
        }
        EnvelopeVerification.verify(payloadType, payload, sigs, keys);

        JsonNode hash = Json.object(content, "hash", "content.hash");
        String hashAlgorithm = Json.string(hash, "algorithm", "content.hash.algorithm");
        if (!"sha256".equals(hashAlgorithm)) {
            throw new ProposedEntryException.UnsupportedAlgorithm(
                    "content.hash.algorithm in body should be one of [sha256]");
        }
        String hashValue = Json.string(hash, "value", "content.hash.value");
        if (!hashValue.matches("^[0-9a-fA-F]{64}$")) {
            throw new ProposedEntryException.Malformed("content.hash.value in body should match '^[0-9a-fA-F]{64}$'");
        }
        String payloadHash = HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(payload));

        ObjectNode outEnvelope = Json.F.objectNode();
        outEnvelope.put("payloadType", payloadType);
        outEnvelope.set("signatures", outSigs);
        ObjectNode outContent = Json.F.objectNode();
        outContent.set("envelope", outEnvelope);
        outContent.set("hash", Json.hash("sha256", hashValue));
        outContent.set("payloadHash", Json.hash("sha256", payloadHash));
        ObjectNode outSpec = Json.F.objectNode();
        outSpec.set("content", outContent);
        byte[] body = CanonicalJson.canonicalize(Json.envelope(KIND, VERSION, outSpec));

        List<String> indexKeys = new ArrayList<>();
        for (PublicKeyMaterial k : keys) {
            indexKeys.add("sha256:" + HexFormat.of().formatHex(HashAlgorithm.SHA256.digest(k.canonicalPem())));
            indexKeys.addAll(k.subjectAlternativeNames());
        }
        indexKeys.add("sha256:" + payloadHash);
        if (Dsse.IN_TOTO_PAYLOAD_TYPE.equals(payloadType)) {
            indexKeys.addAll(EnvelopeVerification.inTotoKeys(payload));
        }
        return new CanonicalEntry(KIND, VERSION, body, indexKeys);
    }
}
