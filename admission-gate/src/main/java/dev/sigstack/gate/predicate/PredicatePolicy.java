package dev.sigstack.gate.predicate;

import com.fasterxml.jackson.databind.JsonNode;

/** A compiled predicate policy; evaluation throws {@link PolicyViolation} with the reason when the input fails. */
public sealed interface PredicatePolicy permits CuePolicy, CelPolicy {
    /** Checks the JSON document (an in-toto statement, or a policy-controller PolicyResult). */
    void evaluate(JsonNode input) throws PolicyViolation;

    /**
     * Compiles a policy of the given type. {@code rego} and unknown types are refused with an
     * {@link IllegalArgumentException} that says so.
     */
    static PredicatePolicy compile(String type, String source) {
        return switch (type == null ? "" : type) {
            case "cue" -> CuePolicy.compile(source);
            case "cel" -> CelPolicy.compile(source);
            case "rego" -> throw new IllegalArgumentException("rego policies are not supported by the sigstack "
                    + "admission gate (no Rego engine is shipped); write the policy as cue or cel");
            default -> throw new IllegalArgumentException("sorry Type " + type + " is not supported yet");
        };
    }
}
