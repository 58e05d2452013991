package dev.sigstack.gate.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ClusterImagePolicy as written ({@code policy.sigstore.dev/v1alpha1} or {@code v1beta1}; the two versions have the
 * same fields). Absent fields are null so that validation can tell "absent" from "empty" as upstream's Go pointers do.
 *
 * @param apiVersion the resource's apiVersion
 * @param name metadata.name
 * @param uid metadata.uid, or ""
 * @param resourceVersion metadata.resourceVersion, or ""
 * @param generation metadata.generation, or 0
 * @param spec the spec
 */
public record ClusterImagePolicy(String apiVersion, String name, String uid, String resourceVersion, long generation,
        Spec spec) {
    /** The API group. */
    public static final String GROUP = "policy.sigstore.dev";

    public ClusterImagePolicy {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(name, "name");
        uid = uid == null ? "" : uid;
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
        Objects.requireNonNull(spec, "spec");
    }

    /** True for mode warn. */
    public boolean warnMode() {
        return "warn".equals(spec.mode());
    }

    /** spec. */
    public record Spec(List<ImagePattern> images, List<Authority> authorities, String mode, PolicyBody policy,
            List<MatchResource> match) {
        public Spec {
            images = images == null ? List.of() : List.copyOf(images);
            authorities = authorities == null ? List.of() : List.copyOf(authorities);
            match = match == null ? List.of() : List.copyOf(match);
        }
    }

    /** spec.images[]. */
    public record ImagePattern(String glob) {
    }

    /**
     * spec.authorities[]; exactly one of key, keyless and static.
     *
     * @param name the authority's name, defaulted to {@code authority-<index>} as policy-controller does
     */
    public record Authority(String name, KeyRef key, KeylessRef keyless, StaticRef staticRef, List<Source> sources,
            TlogRef ctlog, List<Attestation> attestations, TlogRef rfc3161timestamp, String signatureFormat) {
        public Authority {
            Objects.requireNonNull(name, "name");
            sources = sources == null ? List.of() : List.copyOf(sources);
            attestations = attestations == null ? List.of() : List.copyOf(attestations);
        }

        /** True when signatures are stored as Sigstore bundles (OCI 1.1 referrers) rather than cosign's tags. */
        public boolean bundleFormat() {
            return "bundle".equals(signatureFormat);
        }
    }

    /** authorities[].key. */
    public record KeyRef(String data, String kms, SecretRef secretRef, String hashAlgorithm) {
        @Override
        public String toString() {
            return "KeyRef[data=" + (data == null ? "null" : "<" + data.length() + " chars>") + ", kms=" + kms
                    + ", secretRef=" + secretRef + ", hashAlgorithm=" + hashAlgorithm + "]";
        }
    }

    /** A reference to a Secret. */
    public record SecretRef(String name, String namespace) {
    }

    /** authorities[].keyless. */
    public record KeylessRef(String url, KeyRef caCert, List<Identity> identities, String trustRootRef,
            boolean insecureIgnoreSct) {
    }

    /** keyless.identities[]. */
    public record Identity(String issuer, String issuerRegExp, String subject, String subjectRegExp) {
    }

    /** authorities[].static. */
    public record StaticRef(String action, String message) {
    }

    /** authorities[].source[]. */
    public record Source(String oci, String tagPrefix, List<String> signaturePullSecrets) {
        public Source {
            signaturePullSecrets = signaturePullSecrets == null ? List.of() : List.copyOf(signaturePullSecrets);
        }
    }

    /** ctlog or rfc3161timestamp: a transparency log / TSA by URL or trustRootRef. */
    public record TlogRef(String url, String trustRootRef) {
    }

    /** authorities[].attestations[]. */
    public record Attestation(String name, String predicateType, PolicyBody policy) {
    }

    /**
     * A predicate policy (spec.policy or attestations[].policy).
     *
     * @param remoteUrl remote.url, or null
     * @param remoteSha256 remote.sha256sum, or null
     */
    public record PolicyBody(String type, String data, ConfigMapRef configMapRef, String remoteUrl,
            String remoteSha256, Boolean fetchConfigFile, Boolean includeSpec, Boolean includeObjectMeta,
            Boolean includeTypeMeta, boolean remotePresent) {
    }

    /** policy.configMapRef. */
    public record ConfigMapRef(String name, String key) {
    }

    /** spec.match[]: a resource kind (and labels) the policy applies to. */
    public record MatchResource(String group, String version, String resource, Map<String, String> matchLabels,
            List<LabelRequirement> matchExpressions, boolean selectorPresent) {
        public MatchResource {
            group = group == null ? "" : group;
            version = version == null ? "" : version;
            resource = resource == null ? "" : resource;
            matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
            matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
        }

        /** True when the labels satisfy matchLabels and every matchExpression (a Kubernetes LabelSelector). */
        public boolean selects(Map<String, String> labels) {
            if (!matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                return false;
            }
            return matchExpressions.stream().allMatch(r -> r.matches(labels));
        }
    }

    /** selector.matchExpressions[]: In, NotIn, Exists, DoesNotExist. */
    public record LabelRequirement(String key, String operator, List<String> values) {
        public LabelRequirement {
            key = key == null ? "" : key;
            operator = operator == null ? "" : operator;
            values = values == null ? List.of() : List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case "In" -> v != null && values.contains(v);
                case "NotIn" -> v == null || !values.contains(v);
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
        }
    }
}
