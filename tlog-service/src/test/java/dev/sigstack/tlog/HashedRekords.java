package dev.sigstack.tlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.TestKeys;
import java.io.IOException;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/** hashedrekord v0.0.1 proposed entries as a Rekor client submits them, and the 201 answers of the v1 API. */
public final class HashedRekords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HashedRekords() {
    }

    /** The proposed entry for {@code artifact} signed by {@code submitter} (its public key PEM in the entry). */
    public static byte[] proposed(KeyPair submitter, byte[] pem, byte[] artifact) {
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", "0.0.1");
        o.put("kind", "hashedrekord");
        ObjectNode spec = o.putObject("spec");
        spec.putObject("data").putObject("hash").put("algorithm", "sha256")
                .put("value", HexFormat.of().formatHex(TestKeys.sha256(artifact)));
        ObjectNode sig = spec.putObject("signature");
        sig.put("content", Base64.getEncoder().encodeToString(TestKeys.sign(submitter, artifact)));
        sig.putObject("publicKey").put("content", Base64.getEncoder().encodeToString(pem));
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** What a 201 from {@code POST /api/v1/log/entries} says: the entry's UUID, logged body and index. */
    public record Created(String uuid, byte[] body, long logIndex, String signedEntryTimestamp) { }

    static Created parseCreated(String answer) throws IOException {
        JsonNode root = JSON.readTree(answer);
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        if (!it.hasNext()) {
            throw new IOException("empty 201 answer");
        }
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode entry = e.getValue();
        return new Created(e.getKey(), Base64.getDecoder().decode(entry.path("body").asText()),
                entry.path("logIndex").asLong(-1), entry.path("verification").path("signedEntryTimestamp").asText());
    }
}
