package dev.sigstack.core.rekor;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Turns a {@code POST /api/v1/log/entries} body into the entry the log stores, as Rekor's
 * {@code types.CreateVersionedEntry} and {@code CanonicalizeEntry} do: dispatch on {@code kind} and
 * {@code apiVersion}, validate, verify every signature, canonicalize.
 */
public final class ProposedEntries {

    private ProposedEntries() {
    }

    /** Validates and canonicalizes one proposed entry. */
    public static CanonicalEntry canonicalize(byte[] requestBody) throws ProposedEntryException {
        JsonNode root;
        try {
            root = CanonicalJson.parse(requestBody);
        } catch (IOException e) {
            throw new ProposedEntryException.Malformed("parsing body body from \"\" failed, because " + firstLine(e), e);
        }
        return canonicalize(root);
    }

    /** Validates and canonicalizes one proposed entry that is already parsed. */
    public static CanonicalEntry canonicalize(JsonNode root) throws ProposedEntryException {
        if (!root.isObject()) {
            throw new ProposedEntryException.Malformed("proposed entry must be a JSON object");
        }
        String kind = Json.string(root, "kind", "kind");
        String apiVersion = Json.string(root, "apiVersion", "apiVersion");
        JsonNode spec = root.get("spec");
        return switch (kind) {
            case "hashedrekord" -> switch (apiVersion) {
                case "0.0.1" -> HashedRekordV001.canonicalize(requireSpec(spec));
                default -> throw new ProposedEntryException.UnsupportedVersion(kind, apiVersion);
            };
            case "dsse" -> switch (apiVersion) {
                case "0.0.1" -> DsseV001.canonicalize(requireSpec(spec));
                default -> throw new ProposedEntryException.UnsupportedVersion(kind, apiVersion);
            };
            case "intoto" -> switch (apiVersion) {
                case "0.0.2" -> IntotoV002.canonicalize(requireSpec(spec));
                default -> throw new ProposedEntryException.UnsupportedVersion(kind, apiVersion);
            };
            default -> throw new ProposedEntryException.UnknownKind(kind);
        };
    }

    private static JsonNode requireSpec(JsonNode spec) throws ProposedEntryException.Malformed {
        if (spec == null || spec.isNull()) {
            throw new ProposedEntryException.Malformed("spec in body is required");
        }
        if (!spec.isObject()) {
            throw new ProposedEntryException.Malformed("spec in body must be of type object");
        }
        return spec;
    }

    private static String firstLine(IOException e) {
        String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                ? String.valueOf(j.getOriginalMessage()) : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
