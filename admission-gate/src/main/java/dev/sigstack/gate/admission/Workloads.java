package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Where each workload kind keeps its pod spec, and the plural resource names. */
final class Workloads {
    /** Container lists of a pod spec, in policy-controller's order. */
    static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");
    private static final Map<String, List<String>> POD_SPEC = Map.of(
            "Pod", List.of("spec"),
            "ReplicaSet", List.of("spec", "template", "spec"),
            "Deployment", List.of("spec", "template", "spec"),
            "StatefulSet", List.of("spec", "template", "spec"),
            "DaemonSet", List.of("spec", "template", "spec"),
            "Job", List.of("spec", "template", "spec"),
            "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"));

    private Workloads() {
    }

    /** The path segments to the pod spec, or null for a kind the gate does not check. */
    static List<String> podSpecPath(String kind) {
        return POD_SPEC.get(kind);
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
        return switch (kind) {
            case "Pod" -> "pods";
            case "ReplicaSet" -> "replicasets";
            case "Deployment" -> "deployments";
            case "StatefulSet" -> "statefulsets";
            case "DaemonSet" -> "daemonsets";
            case "Job" -> "jobs";
            case "CronJob" -> "cronjobs";
            default -> kind.toLowerCase(java.util.Locale.ROOT) + "s";
        };
    }
}
