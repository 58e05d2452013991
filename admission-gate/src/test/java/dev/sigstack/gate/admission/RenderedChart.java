package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code helm/admission-gate} rendered by a real Helm (helm-java), and what the API server would do with its webhook
 * registrations: which webhook paths a request is sent to (rules and namespaceSelector, as kube-apiserver matches
 * them with {@code matchPolicy: Equivalent}), and the selector the chart hands the gate.
 */
final class RenderedChart {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    final List<JsonNode> objects;

    private RenderedChart(List<JsonNode> objects) {
        this.objects = objects;
    }

    /** The chart directory, or null when this checkout has none. */
    static Path chartDir() {
        Path p = Path.of("../helm/admission-gate");
        return Files.isDirectory(p) ? p : null;
    }

    /**
     * Renders the chart with {@code values} (YAML, may be empty) over its defaults. helm-java's template runs
     * {@code lookup} against a cluster, so the serving certificate's keepExisting lookup is turned off.
     */
    static RenderedChart render(Path work, String values) throws IOException {
        Path file = Files.createTempFile(work, "values", ".yaml");
        Files.writeString(file, values);
        String out = new Helm(chartDir()).template().withName("sigstack").withNamespace("cosign-system")
                .withValuesFile(file).set("webhook.tls.keepExisting", false).call();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && n.isObject() && n.has("kind")) {
                    docs.add(n);
                }
            }
        }
        return new RenderedChart(docs);
    }

    JsonNode one(String kind) {
        List<JsonNode> l = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        if (l.size() != 1) {
            throw new AssertionError(l.size() + " objects of kind " + kind);
        }
        return l.get(0);
    }

    /** Every webhook of both configurations, with {@code mutating} set on the mutating ones. */
    List<JsonNode> webhooks() {
        List<JsonNode> out = new ArrayList<>();
        for (String kind : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
            for (JsonNode w : one(kind).path("webhooks")) {
                com.fasterxml.jackson.databind.node.ObjectNode c = w.deepCopy();
                c.put("mutating", kind.startsWith("Mutating"));
                out.add(c);
            }
        }
        return out;
    }

    /** A rule list as comparable tuples: group|version|resource|operation|scope. */
    static TreeSet<String> tuples(JsonNode rules) {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode r : rules) {
            for (JsonNode g : r.path("apiGroups")) {
                for (JsonNode v : r.path("apiVersions")) {
                    for (JsonNode res : r.path("resources")) {
                        for (JsonNode op : r.path("operations")) {
                            out.add(g.asText() + "|" + v.asText() + "|" + res.asText() + "|" + op.asText() + "|"
                                    + r.path("scope").asText("*"));
                        }
                    }
                }
            }
        }
        return out;
    }

    static TreeSet<String> tuples(List<AdmissionHandler.Rule> rules) {
        return tuples(JSON.valueToTree(rules));
    }

    /** The {@code --namespace-selector} the chart gives the gate. */
    NamespaceSelector gateSelector() {
        for (JsonNode a : one("Deployment").path("spec").path("template").path("spec").path("containers").get(0)
                .path("args")) {
            if (a.asText().startsWith("--namespace-selector=")) {
                return NamespaceSelector.parse(a.asText().substring("--namespace-selector=".length()));
            }
        }
        throw new AssertionError("the chart gives the gate no --namespace-selector");
    }

    /** The same argument as JSON, for comparison with the webhooks' selectors. */
    JsonNode gateSelectorJson() throws IOException {
        for (JsonNode a : one("Deployment").path("spec").path("template").path("spec").path("containers").get(0)
                .path("args")) {
            if (a.asText().startsWith("--namespace-selector=")) {
                return JSON.readTree(a.asText().substring("--namespace-selector=".length()));
            }
        }
        throw new AssertionError("the chart gives the gate no --namespace-selector");
    }

    /**
     * The paths (mutating first, as the API server calls them) of the webhooks the API server would send this request
     * to: a rule matches group, version, resource (with {@code /subresource}) and operation, and the namespace
     * selector (absent: all) selects the namespace's labels.
     */
    List<String> dispatch(String group, String version, String resource, String operation, String namespace,
            Map<String, String> namespaceLabels) throws IOException {
        List<String> mutating = new ArrayList<>();
        List<String> validating = new ArrayList<>();
        for (JsonNode w : webhooks()) {
            if (!tuples(w.path("rules")).stream().anyMatch(t -> t.startsWith(group + "|" + version + "|" + resource
                    + "|" + operation + "|"))) {
                continue;
            }
            JsonNode sel = w.path("namespaceSelector");
            if (!sel.isMissingNode() && !NamespaceSelector.parse(JSON.writeValueAsString(sel)).selects(namespace,
                    namespaceLabels)) {
                continue;
            }
            (w.path("mutating").asBoolean() ? mutating : validating).add(w.path("clientConfig").path("service")
                    .path("path").asText());
        }
        List<String> out = new ArrayList<>(mutating);
        out.addAll(validating);
        return out;
    }
}
