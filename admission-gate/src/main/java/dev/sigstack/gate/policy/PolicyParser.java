package dev.sigstack.gate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.gate.policy.ClusterImagePolicy.Attestation;
import dev.sigstack.gate.policy.ClusterImagePolicy.Authority;
import dev.sigstack.gate.policy.ClusterImagePolicy.ConfigMapRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.Identity;
import dev.sigstack.gate.policy.ClusterImagePolicy.ImagePattern;
import dev.sigstack.gate.policy.ClusterImagePolicy.KeyRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.KeylessRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.MatchResource;
import dev.sigstack.gate.policy.ClusterImagePolicy.PolicyBody;
import dev.sigstack.gate.policy.ClusterImagePolicy.SecretRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.Source;
import dev.sigstack.gate.policy.ClusterImagePolicy.StaticRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.TlogRef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads ClusterImagePolicy documents (YAML or JSON, one or many) into {@link ClusterImagePolicy}. Type errors are
 * reported as the Kubernetes API server reports a CRD schema violation
 * ({@code <path>: Invalid value: "<type>": <path> in body must be of type <type>: "<type>"}), and so is a keyless
 * authority without identities: policy-controller's defaulting webhook writes {@code identities: null}, which the
 * API server refuses with {@code spec.authorities[0].keyless.identities: Invalid value: "null"}.
 */
public final class PolicyParser {
    /** The apiVersions served. */
    public static final Set<String> API_VERSIONS = Set.of(
            ClusterImagePolicy.GROUP + "/v1alpha1", ClusterImagePolicy.GROUP + "/v1beta1");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> schemaErrors = new ArrayList<>();

    private PolicyParser() {
    }

    /** Every non-empty YAML (or JSON) document in the text. */
    public static List<JsonNode> documents(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode() && !(n.isObject() && n.isEmpty())) {
                    docs.add(n);
                }
            }
        } catch (IOException e) {
            throw new PolicyException("not valid YAML or JSON: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new PolicyException("not valid YAML or JSON: " + e.getMessage(), e);
        }
        return docs;
    }

    /** Parses one ClusterImagePolicy, refusing schema violations. It is not yet validated. */
    public static ClusterImagePolicy parse(JsonNode doc) {
        PolicyParser p = new PolicyParser();
        ClusterImagePolicy cip = p.policy(doc);
        if (!p.schemaErrors.isEmpty()) {
            throw new PolicyException(String.join("\n", p.schemaErrors));
        }
        return cip;
    }

    /** Parses a single-document text. */
    public static ClusterImagePolicy parse(String text) {
        List<JsonNode> docs = documents(text);
        if (docs.size() != 1) {
            throw new PolicyException("expected one ClusterImagePolicy document, found " + docs.size());
        }
        return parse(docs.get(0));
    }

    private ClusterImagePolicy policy(JsonNode doc) {
        if (!doc.isObject()) {
            throw new PolicyException("a ClusterImagePolicy must be an object");
        }
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        if (!"ClusterImagePolicy".equals(kind)) {
            throw new PolicyException("kind must be ClusterImagePolicy, got \"" + kind + "\"");
        }
        if (!API_VERSIONS.contains(apiVersion)) {
            throw new PolicyException("no matches for kind \"ClusterImagePolicy\" in version \"" + apiVersion
                    + "\" (served: policy.sigstore.dev/v1alpha1, policy.sigstore.dev/v1beta1)");
        }
        JsonNode meta = doc.path("metadata");
        String name = meta.path("name").asText("");
        if (name.isEmpty()) {
            throw new PolicyException("metadata.name: Required value: name is required");
        }
        JsonNode spec = object(doc, "spec", "spec");
        List<ImagePattern> images = list(spec, "images", "spec.images",
                (n) -> new ImagePattern(string(n.node, "glob", n.path + ".glob")));
        List<Authority> authorities = new ArrayList<>();
        JsonNode auths = spec == null ? null : spec.get("authorities");
        if (auths != null && !auths.isNull()) {
            if (!auths.isArray()) {
                typeError("spec.authorities", "array", auths);
            } else {
                for (int i = 0; i < auths.size(); i++) {
                    authorities.add(authority(auths.get(i), "spec.authorities[" + i + "]", i));
                }
            }
        }
        return new ClusterImagePolicy(apiVersion, name, meta.path("uid").asText(""),
                meta.path("resourceVersion").asText(""), meta.path("generation").asLong(0),
                new ClusterImagePolicy.Spec(images, authorities, string(spec, "mode", "spec.mode"),
                        policyBody(spec, "policy", "spec.policy"),
                        list(spec, "match", "spec.match", this::match)));
    }

    private record At(JsonNode node, String path) {
    }

    private Authority authority(JsonNode a, String path, int index) {
        if (!a.isObject()) {
            typeError(path, "object", a);
            return new Authority("authority-" + index, null, null, null, null, null, null, null, null);
        }
        String name = string(a, "name", path + ".name");
        KeyRef key = keyRef(a, "key", path + ".key");
        KeylessRef keyless = null;
        JsonNode kl = object(a, "keyless", path + ".keyless");
        if (kl != null) {
            JsonNode ids = kl.get("identities");
            if (ids == null || ids.isNull()) {
                schemaErrors.add(path + ".keyless.identities: Invalid value: \"null\": " + path
                        + ".keyless.identities in body must be of type array: \"null\"");
            }
            List<Identity> identities = list(kl, "identities", path + ".keyless.identities",
                    n -> new Identity(string(n.node, "issuer", n.path + ".issuer"),
                            string(n.node, "issuerRegExp", n.path + ".issuerRegExp"),
                            string(n.node, "subject", n.path + ".subject"),
                            string(n.node, "subjectRegExp", n.path + ".subjectRegExp")));
            KeyRef ca = keyRef(kl, "ca-cert", path + ".keyless.ca-cert");
            keyless = new KeylessRef(string(kl, "url", path + ".keyless.url"), ca, identities,
                    string(kl, "trustRootRef", path + ".keyless.trustRootRef"),
                    bool(kl, "insecureIgnoreSCT", path + ".keyless.insecureIgnoreSCT") == Boolean.TRUE);
        }
        StaticRef stat = null;
        JsonNode s = object(a, "static", path + ".static");
        if (s != null) {
            stat = new StaticRef(string(s, "action", path + ".static.action"),
                    string(s, "message", path + ".static.message"));
        }
        List<Source> sources = list(a, "source", path + ".source", n -> new Source(
                string(n.node, "oci", n.path + ".oci"), string(n.node, "tagPrefix", n.path + ".tagPrefix"),
                list(n.node, "signaturePullSecrets", n.path + ".signaturePullSecrets",
                        ps -> {
                            String psName = string(ps.node, "name", ps.path + ".name");
                            return psName == null ? "" : psName;
                        })));
        List<Attestation> atts = list(a, "attestations", path + ".attestations", n -> new Attestation(
                string(n.node, "name", n.path + ".name"), string(n.node, "predicateType", n.path + ".predicateType"),
                policyBody(n.node, "policy", n.path + ".policy")));
        return new Authority(name == null || name.isEmpty() ? "authority-" + index : name, key, keyless, stat,
                sources, tlogRef(a, "ctlog", path + ".ctlog"), atts,
                tlogRef(a, "rfc3161timestamp", path + ".rfc3161timestamp"),
                string(a, "signatureFormat", path + ".signatureFormat"));
    }

    private KeyRef keyRef(JsonNode parent, String field, String path) {
        JsonNode k = object(parent, field, path);
        return k == null ? null : new KeyRef(string(k, "data", path + ".data"), string(k, "kms", path + ".kms"),
                secretRef(k, path), string(k, "hashAlgorithm", path + ".hashAlgorithm"));
    }

    private TlogRef tlogRef(JsonNode parent, String field, String path) {
        JsonNode t = object(parent, field, path);
        return t == null ? null : new TlogRef(string(t, "url", path + ".url"),
                string(t, "trustRootRef", path + ".trustRootRef"));
    }

    private SecretRef secretRef(JsonNode parent, String path) {
        JsonNode s = object(parent, "secretRef", path + ".secretRef");
        return s == null ? null : new SecretRef(string(s, "name", path + ".secretRef.name"),
                string(s, "namespace", path + ".secretRef.namespace"));
    }

    private PolicyBody policyBody(JsonNode parent, String field, String path) {
        JsonNode p = object(parent, field, path);
        if (p == null) {
            return null;
        }
        ConfigMapRef cm = null;
        JsonNode c = object(p, "configMapRef", path + ".configMapRef");
        if (c != null) {
            cm = new ConfigMapRef(string(c, "name", path + ".configMapRef.name"),
                    string(c, "key", path + ".configMapRef.key"));
        }
        JsonNode r = object(p, "remote", path + ".remote");
        return new PolicyBody(string(p, "type", path + ".type"), string(p, "data", path + ".data"), cm,
                r == null ? null : string(r, "url", path + ".remote.url"),
                r == null ? null : string(r, "sha256sum", path + ".remote.sha256sum"),
                bool(p, "fetchConfigFile", path + ".fetchConfigFile"), bool(p, "includeSpec", path + ".includeSpec"),
                bool(p, "includeObjectMeta", path + ".includeObjectMeta"),
                bool(p, "includeTypeMeta", path + ".includeTypeMeta"), r != null);
    }

    private MatchResource match(At at) {
        JsonNode n = at.node;
        JsonNode sel = object(n, "selector", at.path + ".selector");
        Map<String, String> labels = new LinkedHashMap<>();
        List<ClusterImagePolicy.LabelRequirement> exprs = null;
        if (sel != null) {
            JsonNode ml = object(sel, "matchLabels", at.path + ".selector.matchLabels");
            if (ml != null) {
                ml.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            exprs = list(sel, "matchExpressions", at.path + ".selector.matchExpressions",
                    r -> new ClusterImagePolicy.LabelRequirement(string(r.node, "key", r.path + ".key"),
                            string(r.node, "operator", r.path + ".operator"),
                            list(r.node, "values", r.path + ".values", v -> v.node.asText())));
        }
        return new MatchResource(string(n, "group", at.path + ".group"), string(n, "version", at.path + ".version"),
                string(n, "resource", at.path + ".resource"), labels, exprs, sel != null);
    }

    private <T> List<T> list(JsonNode parent, String field, String path, Function<At, T> each) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            typeError(path, "array", n);
            return null;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            String p = path + "[" + i + "]";
            if (!item.isObject() && !item.isTextual()) {
                typeError(p, "object", item);
                continue;
            }
            out.add(each.apply(new At(item, p)));
        }
        return out;
    }

    private JsonNode object(JsonNode parent, String field, String path) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            typeError(path, "object", n);
            return null;
        }
        return n;
    }

    private String string(JsonNode parent, String field, String path) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            typeError(path, "string", n);
            return null;
        }
        return n.asText();
    }

    private Boolean bool(JsonNode parent, String field, String path) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            typeError(path, "boolean", n);
            return null;
        }
        return n.asBoolean();
    }

    private void typeError(String path, String want, JsonNode got) {
        String type = got.isObject() ? "object" : got.isArray() ? "array" : got.isTextual() ? "string"
                : got.isBoolean() ? "boolean" : got.isNumber() ? (got.isIntegralNumber() ? "integer" : "number")
                : "null";
        schemaErrors.add(path + ": Invalid value: \"" + type + "\": " + path + " in body must be of type " + want
                + ": \"" + type + "\"");
    }
}
