package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The webhooks' namespaceSelector as the gate evaluates it: the API server's LabelSelector rules. */
class NamespaceSelectorTest {
    @Test
    void selects_apiServerRules_includingTheNameLabel() {
        NamespaceSelector optOut = NamespaceSelector.parse(
                "{\"matchExpressions\":[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\","
                        + "\"values\":[\"kube-system\"]}]}");
        assertTrue(optOut.selects("team-a", Map.of()));
        assertFalse(optOut.selects("kube-system", Map.of()));
        NamespaceSelector all = NamespaceSelector.parse("{}");
        assertTrue(all.selects("anything", Map.of()));
        NamespaceSelector both = NamespaceSelector.parse("{\"matchLabels\":{\"env\":\"prod\"},\"matchExpressions\":"
                + "[{\"key\":\"tier\",\"operator\":\"Exists\"},{\"key\":\"legacy\",\"operator\":\"DoesNotExist\"}]}");
        assertTrue(both.selects("p", Map.of("env", "prod", "tier", "web")));
        assertFalse(both.selects("p", Map.of("env", "prod")));
        assertFalse(both.selects("p", Map.of("env", "prod", "tier", "web", "legacy", "")));
        assertFalse(both.selects("p", Map.of("env", "dev", "tier", "web")));
        NamespaceSelector optIn = NamespaceSelector.optIn("policy.sigstore.dev/include");
        assertTrue(optIn.selects("p", Map.of("policy.sigstore.dev/include", "true")));
        assertFalse(optIn.selects("p", Map.of("policy.sigstore.dev/include", "false")));
    }

    @Test
    void parse_malformedSelector_refusedAtStart() {
        for (String bad : new String[] {"", "[]", "{\"matchLabel\":{}}",
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Like\",\"values\":[\"x\"]}]}",
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}",
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}",
                "{\"matchExpressions\":[{\"operator\":\"Exists\"}]}"}) {
            assertThrows(IllegalArgumentException.class, () -> NamespaceSelector.parse(bad), bad);
        }
    }
}
