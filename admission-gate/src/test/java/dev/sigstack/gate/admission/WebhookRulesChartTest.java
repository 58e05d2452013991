package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 2 and issue 17: the chart registers exactly the webhooks the gate serves ({@link
 * AdmissionHandler#webhooks()}, the one list), with the same rules, so the two cannot drift; and the chart gives the
 * gate the same namespaceSelector it registers (item 1).
 */
class WebhookRulesChartTest {
    @TempDir
    Path work;

    @Test
    void chart_webhookRulesAndPaths_equalTheHandlersList() throws Exception {
        assumeTrue(RenderedChart.chartDir() != null, "no helm/admission-gate in this checkout");
        RenderedChart chart = RenderedChart.render(work, "");
        Map<String, TreeSet<String>> registered = new LinkedHashMap<>();
        for (JsonNode w : chart.webhooks()) {
            if (w.path("name").asText().equals("breakglass-audit.sigstack.dev")) {
                continue; // checked below: a subset, to the same path
            }
            String key = (w.path("mutating").asBoolean() ? "mutating " : "validating ")
                    + w.path("clientConfig").path("service").path("path").asText();
            TreeSet<String> previous = registered.put(key, RenderedChart.tuples(w.path("rules")));
            assertEquals(null, previous, "one webhook per path: " + key);
        }
        Map<String, TreeSet<String>> served = new LinkedHashMap<>();
        for (AdmissionHandler.Webhook w : AdmissionHandler.webhooks()) {
            served.put((w.mutating() ? "mutating " : "validating ") + w.path(), RenderedChart.tuples(w.rules()));
        }
        assertEquals(served, registered);

        // What issue 15 found missing, spelled out.
        TreeSet<String> validate = served.get("validating /validate");
        assertTrue(validate.contains("|v1|pods/ephemeralcontainers|UPDATE|Namespaced"), validate.toString());
        for (String r : List.of("|v1|pods|", "apps|v1|deployments|", "apps|v1|replicasets|",
                "apps|v1|statefulsets|", "apps|v1|daemonsets|", "batch|v1|jobs|", "batch|v1|cronjobs|",
                "|v1|replicationcontrollers|")) {
            assertTrue(validate.stream().anyMatch(t -> t.startsWith(r + "CREATE")), r);
        }
        assertTrue(registered.containsKey("validating /validate-policy"), registered.keySet().toString());

        // The break-glass audit webhook sends a subset of /validate's requests to /validate.
        JsonNode audit = chart.webhooks().stream().filter(w -> w.path("name").asText().equals(
                "breakglass-audit.sigstack.dev")).findFirst().orElseThrow();
        assertEquals(AdmissionHandler.VALIDATE, audit.path("clientConfig").path("service").path("path").asText());
        assertTrue(validate.containsAll(RenderedChart.tuples(audit.path("rules"))));
    }

    @Test
    void chart_gateSelector_isTheEnforcingWebhooksSelector() throws Exception {
        assumeTrue(RenderedChart.chartDir() != null, "no helm/admission-gate in this checkout");
        for (String values : List.of("", """
                webhook:
                  namespaceSelector:
                    matchExpressions:
                      - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
                """, "breakGlass: {enabled: false}\n")) {
            RenderedChart chart = RenderedChart.render(work, values);
            JsonNode gate = chart.gateSelectorJson();
            for (JsonNode w : chart.webhooks()) {
                String path = w.path("clientConfig").path("service").path("path").asText();
                if (path.equals(AdmissionHandler.VALIDATE) && !w.path("name").asText().startsWith("breakglass")
                        || path.equals(AdmissionHandler.MUTATE)) {
                    assertEquals(gate, w.path("namespaceSelector"), values + " " + w.path("name"));
                }
            }
            chart.gateSelector(); // and the gate accepts it
        }
    }

    @Test
    void chart_optOutSelector_selectsEveryNamespaceButExcluded() throws Exception {
        assumeTrue(RenderedChart.chartDir() != null, "no helm/admission-gate in this checkout");
        RenderedChart chart = RenderedChart.render(work, """
                webhook:
                  namespaceSelector:
                    matchExpressions:
                      - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}
                """);
        NamespaceSelector s = chart.gateSelector();
        assertTrue(s.selects("team-a", Map.of()));
        assertFalse(s.selects("kube-system", Map.of()));
        assertFalse(s.selects("sigstack-break-glass", Map.of("sigstack.dev/break-glass", "true")));
        assertEquals(List.of("/mutate", "/validate"), chart.dispatch("", "v1", "pods", "CREATE", "team-a", Map.of()));
        assertEquals(List.of(), chart.dispatch("", "v1", "pods", "CREATE", "kube-system", Map.of()));
    }
}
