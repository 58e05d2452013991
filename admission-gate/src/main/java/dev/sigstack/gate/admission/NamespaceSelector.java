package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The enforcing webhooks' {@code namespaceSelector} (a Kubernetes LabelSelector), which the gate evaluates with the
 * API server's rules so that it and the chart agree on which namespaces are enforced. Like the API server, it sees
 * the label {@code kubernetes.io/metadata.name} on every namespace (set by the API server since Kubernetes 1.21), so
 * an opt-out selector such as {@code kubernetes.io/metadata.name NotIn [kube-system]} works.
 *
 * <p>Hand-written: fabric8 models LabelSelector but evaluates it only on the server side (its mock server's CRUD
 * filter is not public API), and the evaluation is the four operators below.
 *
 * @param matchLabels labels that must have exactly these values
 * @param matchExpressions requirements that must all hold
 */
public record NamespaceSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    /** The label the API server puts on every namespace: its name. */
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    /** One {@code matchExpressions} entry. */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(operator, "operator");
            values = values == null ? List.of() : List.copyOf(values);
            if (key.isEmpty() || !OPERATORS.contains(operator)) {
                throw new IllegalArgumentException("namespaceSelector: invalid requirement " + key + " " + operator);
            }
            boolean needsValues = operator.equals("In") || operator.equals("NotIn");
            if (needsValues == values.isEmpty()) {
                throw new IllegalArgumentException("namespaceSelector: " + operator + " on " + key
                        + (needsValues ? " needs values" : " takes no values"));
            }
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case "In" -> v != null && values.contains(v);
                case "NotIn" -> v == null || !values.contains(v);
                case "Exists" -> v != null;
                default -> v == null; // DoesNotExist
            };
        }
    }

    public NamespaceSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    /** policy-controller's opt-in selector: {@code label In ["true"]}. */
    public static NamespaceSelector optIn(String label) {
        return new NamespaceSelector(Map.of(), List.of(new Requirement(label, "In", List.of("true"))));
    }

    /** Parses the selector as the chart writes it (JSON; {@code {}} selects every namespace). */
    public static NamespaceSelector parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("namespaceSelector: not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("namespaceSelector: not a LabelSelector object");
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("matchLabels") && !f.equals("matchExpressions")) {
                throw new IllegalArgumentException("namespaceSelector: unknown field " + f);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        n.path("matchLabels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        List<Requirement> reqs = new ArrayList<>();
        for (JsonNode r : n.path("matchExpressions")) {
            List<String> values = new ArrayList<>();
            r.path("values").forEach(v -> values.add(v.asText()));
            reqs.add(new Requirement(r.path("key").asText(""), r.path("operator").asText(""), values));
        }
        return new NamespaceSelector(labels, reqs);
    }

    /** True when the API server's webhook selector selects the namespace with these labels. */
    public boolean selects(String namespace, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.putIfAbsent(NAME_LABEL, namespace);
        for (var e : matchLabels.entrySet()) {
            if (!e.getValue().equals(all.get(e.getKey()))) {
                return false;
            }
        }
        return matchExpressions.stream().allMatch(r -> r.matches(all));
    }
}
