package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/** Field access for proposed entries: every miss is a {@link ProposedEntryException.Malformed} naming the path. */
final class Json {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static JsonNode object(JsonNode parent, String field, String path) throws ProposedEntryException.Malformed {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new ProposedEntryException.Malformed(path + " in body is required");
        }
        if (!n.isObject()) {
            throw new ProposedEntryException.Malformed(path + " in body must be of type object");
        }
        return n;
    }

    static String string(JsonNode parent, String field, String path) throws ProposedEntryException.Malformed {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new ProposedEntryException.Malformed(path + " in body is required");
        }
        if (!n.isTextual()) {
            throw new ProposedEntryException.Malformed(path + " in body must be of type string");
        }
        return n.textValue();
    }

    static String optionalString(JsonNode parent, String field, String path) throws ProposedEntryException.Malformed {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new ProposedEntryException.Malformed(path + " in body must be of type string");
        }
        return n.textValue();
    }

    /** Standard base64 as Go's {@code strfmt.Base64} reads it (padding required). */
    static byte[] base64(String value, String path) throws ProposedEntryException.Malformed {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ProposedEntryException.Malformed("failed parsing base64 data for " + path + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode hash(String algorithm, String value) {
        ObjectNode h = F.objectNode();
        h.put("algorithm", algorithm);
        h.put("value", value);
        return h;
    }

    static ObjectNode envelope(String kind, String apiVersion, JsonNode spec) {
        ObjectNode o = F.objectNode();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.set("spec", spec);
        return o;
    }
}
