package dev.sigstack.gate.admission;

import java.util.Map;
import java.util.Optional;

/** What the webhook asks the cluster, besides policies: namespace labels and Events. */
public interface Cluster {
    /**
     * The registry logins of the workload's {@code imagePullSecrets} (Docker config JSON Secrets of its namespace);
     * anonymous when there are none or they cannot be read.
     */
    default dev.sigstack.gate.oci.RegistryCredentials pullSecrets(String namespace, java.util.List<String> names) {
        return dev.sigstack.gate.oci.RegistryCredentials.anonymous();
    }

    /** The labels of a namespace as this gate last saw it, or empty when it has not seen the namespace. */
    Optional<Map<String, String>> namespaceLabels(String namespace);

    /**
     * The labels of a namespace read from the API server now, within a short deadline; empty when the namespace
     * cannot be read (none such, API server unreachable or slow). The default has no live source.
     */
    default Optional<Map<String, String>> readNamespaceLabels(String namespace) {
        return Optional.empty();
    }

    /**
     * Records a Kubernetes Event on the workload.
     *
     * @param type Normal or Warning
     */
    void event(String namespace, String kind, String apiVersion, String name, String uid, String type, String reason,
            String message);
}
