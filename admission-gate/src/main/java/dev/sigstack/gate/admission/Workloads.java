package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every way a workload names an image that the gate checks: the kinds that carry a pod spec (where each keeps it,
 * and its plural resource), the pod spec's container lists and its image volumes. The webhook registration
 * ({@link AdmissionHandler#webhooks()}) is derived from this table, and the chart is tested against that.
 */
final class Workloads {
    /** Container lists of a pod spec, in policy-controller's order. */
    static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    /** The subresource {@code kubectl debug} writes: the pod's ephemeral containers. */
    static final String EPHEMERAL = "ephemeralcontainers";

    /** A kind the gate checks: API group and version, plural resource, and the path to its pod spec. */
    record Kind(String group, String version, String kind, String resource, List<String> podSpec) {
    }

    private static final List<String> TEMPLATE = List.of("spec", "template", "spec");
    static final List<Kind> KINDS = List.of(
            new Kind("", "v1", "Pod", "pods", List.of("spec")),
            new Kind("", "v1", "ReplicationController", "replicationcontrollers", TEMPLATE),
            new Kind("apps", "v1", "Deployment", "deployments", TEMPLATE),
            new Kind("apps", "v1", "ReplicaSet", "replicasets", TEMPLATE),
            new Kind("apps", "v1", "StatefulSet", "statefulsets", TEMPLATE),
            new Kind("apps", "v1", "DaemonSet", "daemonsets", TEMPLATE),
            new Kind("batch", "v1", "Job", "jobs", TEMPLATE),
            new Kind("batch", "v1", "CronJob", "cronjobs", List.of("spec", "jobTemplate", "spec", "template", "spec")));

    private Workloads() {
    }

    private static Kind kind(String group, String kind) {
        for (Kind k : KINDS) {
            if (k.kind().equals(kind) && k.group().equals(group)) {
                return k;
            }
        }
        return null;
    }

    /** The path segments to the pod spec, or null for a kind the gate does not check. */
    static List<String> podSpecPath(String group, String kind) {
        Kind k = kind(group, kind);
        return k == null ? null : k.podSpec();
    }

    static JsonNode at(JsonNode obj, List<String> path) {
        JsonNode n = obj;
        for (String p : path) {
            n = n == null ? null : n.get(p);
        }
        return n;
    }

    /** The plural resource name of a kind. */
    static String resource(String kind) {
        for (Kind k : KINDS) {
            if (k.kind().equals(kind)) {
                return k.resource();
            }
        }
        return kind.toLowerCase(java.util.Locale.ROOT) + "s";
    }

    /**
     * One image a pod spec names.
     *
     * @param list the field holding it: a container list or {@code volumes}
     * @param index its index in that list
     * @param pointer the JSON pointer of the reference below the pod spec (for a patch)
     * @param reference the image reference as written
     */
    record Image(String list, int index, String pointer, String reference) {
        boolean volume() {
            return list.equals("volumes");
        }
    }

    /**
     * The images of a pod spec: every container's {@code image}, then every image volume's
     * {@code image.reference} (Kubernetes 1.31+). With {@code ephemeralOnly}, only ephemeral containers (what the
     * {@code ephemeralcontainers} subresource may change).
     */
    static List<Image> images(JsonNode spec, boolean ephemeralOnly) {
        List<Image> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        for (String list : CONTAINER_LISTS) {
            if (ephemeralOnly && !list.equals("ephemeralContainers")) {
                continue;
            }
            JsonNode cs = spec.get(list);
            if (cs == null || !cs.isArray()) {
                continue;
            }
            for (int i = 0; i < cs.size(); i++) {
                out.add(new Image(list, i, "/" + list + "/" + i + "/image", cs.get(i).path("image").asText("")));
            }
        }
        JsonNode vs = spec.get("volumes");
        if (!ephemeralOnly && vs != null && vs.isArray()) {
            for (int i = 0; i < vs.size(); i++) {
                JsonNode image = vs.get(i).get("image");
                if (image != null && !image.isNull()) {
                    out.add(new Image("volumes", i, "/volumes/" + i + "/image/reference",
                            image.path("reference").asText("")));
                }
            }
        }
        return out;
    }

    /** The rules of the enforcing webhooks: every kind above, CREATE and UPDATE, and pods' ephemeral containers. */
    static List<AdmissionHandler.Rule> rules() {
        Map<String, List<String>> byGroup = new LinkedHashMap<>();
        for (Kind k : KINDS) {
            List<String> resources = byGroup.computeIfAbsent(k.group(), g -> new ArrayList<>());
            resources.add(k.resource());
            if (k.kind().equals("Pod")) {
                resources.add("pods/" + EPHEMERAL);
            }
        }
        List<AdmissionHandler.Rule> out = new ArrayList<>();
        byGroup.forEach((g, rs) -> out.add(new AdmissionHandler.Rule(List.of(g), List.of("v1"),
                List.of("CREATE", "UPDATE"), rs, "Namespaced")));
        return List.copyOf(out);
    }
}
