package dev.sigstack.gate.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstack.gate.oci.RegistryCredentials;
import java.util.Map;

/**
 * The workload an image comes from, for {@code spec.match} and {@code includeSpec}-style policies.
 *
 * @param namespace the namespace
 * @param group API group ("" for core)
 * @param version API version
 * @param resource plural resource name (pods, deployments...)
 * @param labels the object's labels
 * @param spec the object's spec, or null
 * @param objectMeta the object's metadata, or null
 * @param typeMeta apiVersion and kind, or null
 * @param pullCredentials the workload's imagePullSecrets: used to resolve tags, read configs, and (merged under any
 *     signaturePullSecrets) to read signatures, as policy-controller's k8schain does
 */
public record ResourceContext(String namespace, String group, String version, String resource,
        Map<String, String> labels, JsonNode spec, JsonNode objectMeta, JsonNode typeMeta,
        RegistryCredentials pullCredentials) {
    public ResourceContext {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        namespace = namespace == null ? "" : namespace;
        pullCredentials = pullCredentials == null ? RegistryCredentials.anonymous() : pullCredentials;
    }

    /** Without pull credentials. */
    public ResourceContext(String namespace, String group, String version, String resource,
            Map<String, String> labels, JsonNode spec, JsonNode objectMeta, JsonNode typeMeta) {
        this(namespace, group, version, resource, labels, spec, objectMeta, typeMeta, null);
    }

    /** A pod in a namespace, without labels (the policy tester's default). */
    public static ResourceContext pod(String namespace) {
        return new ResourceContext(namespace, "", "v1", "pods", Map.of(), null, null, null);
    }
}
