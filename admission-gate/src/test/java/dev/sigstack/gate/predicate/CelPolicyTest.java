package dev.sigstack.gate.predicate;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** CEL policies over the same statements as CUE. */
class CelPolicyTest {
    @Test
    void evaluate_customStatement_trueAdmitsFalseRefuses() throws IOException {
        JsonNode st = CuePolicyTest.customStatement();
        PredicatePolicy ok = PredicatePolicy.compile("cel",
                "predicateType == 'https://cosign.sigstore.dev/attestation/v1' "
                        + "&& predicate.Timestamp < '2049-10-09T17:10:27Z' && input.subject.size() == 1");
        assertDoesNotThrow(() -> ok.evaluate(st));
        PredicatePolicy bad = PredicatePolicy.compile("cel", "predicate.Data.startsWith('nope')");
        PolicyViolation v = assertThrows(PolicyViolation.class, () -> bad.evaluate(st));
        assertTrue(v.getMessage().contains("evaluated to false"), v.getMessage());
    }

    @Test
    void evaluate_missingField_refusedNotPassed() throws IOException {
        PredicatePolicy p = PredicatePolicy.compile("cel", "predicate.nothere == 'x'");
        assertThrows(PolicyViolation.class, () -> p.evaluate(CuePolicyTest.customStatement()));
    }

    @Test
    void compile_syntaxOrTypeError_refused() {
        assertThrows(IllegalArgumentException.class, () -> PredicatePolicy.compile("cel", "predicate.("));
        assertThrows(IllegalArgumentException.class, () -> PredicatePolicy.compile("cel", "'a' + 1"));
        assertThrows(IllegalArgumentException.class, () -> PredicatePolicy.compile("cel", "'not a bool'"));
    }
}
