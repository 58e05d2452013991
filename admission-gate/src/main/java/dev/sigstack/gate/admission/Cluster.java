package dev.sigstack.gate.admission;

import java.util.Map;

/** What the webhook asks the cluster, besides policies: namespace labels and Events. */
public interface Cluster {
    /**
     * The registry logins of the workload's {@code imagePullSecrets} (Docker config JSON Secrets of its namespace);
     * anonymous when there are none or they cannot be read.
     */
    default dev.sigstack.gate.oci.RegistryCredentials pullSecrets(String namespace, java.util.List<String> names) {
        return dev.sigstack.gate.oci.RegistryCredentials.anonymous();
    }

    /** The labels of a namespace (empty when unknown). */
    Map<String, String> namespaceLabels(String namespace);

    /**
     * Records a Kubernetes Event on the workload.
     *
     * @param type Normal or Warning
     */
    void event(String namespace, String kind, String apiVersion, String name, String uid, String type, String reason,
            String message);
}
