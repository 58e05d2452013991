package dev.sigstack.gate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * Admits a ClusterImagePolicy as policy-controller's validating webhook does: parse (schema), validate, and refuse
 * with {@code "validation failed: <errors>"}; warnings are returned.
 */
public final class Policies {
    private Policies() {
    }

    /**
     * A policy accepted with its warnings.
     *
     * @param policy the parsed policy
     * @param warnings warning-level messages (deprecated short predicate types)
     */
    public record Loaded(ClusterImagePolicy policy, List<String> warnings) {
        public Loaded {
            Objects.requireNonNull(policy, "policy");
            warnings = List.copyOf(warnings);
        }
    }

    /** Parses and validates one document, throwing {@link PolicyException} with upstream's text when refused. */
    public static Loaded load(JsonNode doc, GateConfig config, String systemNamespace) {
        ClusterImagePolicy cip = PolicyParser.parse(doc);
        FieldError all = new PolicyValidator(config, systemNamespace).validate(cip);
        FieldError errors = all.filter(FieldError.Level.ERROR);
        if (!errors.isEmpty()) {
            throw new PolicyException("validation failed: " + errors);
        }
        return new Loaded(cip, all.filter(FieldError.Level.WARNING).messages());
    }

    /** Every ClusterImagePolicy document in a YAML or JSON text (other kinds are skipped). */
    public static List<Loaded> loadAll(String text, GateConfig config, String systemNamespace) {
        return PolicyParser.documents(text).stream()
                .filter(d -> "ClusterImagePolicy".equals(d.path("kind").asText()))
                .map(d -> load(d, config, systemNamespace))
                .toList();
    }
}
