package dev.sigstack.gate.crds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.sigstack.core.testing.Vectors;
import dev.sigstack.gate.policy.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped CRDs, checked as the API server would: a structural-schema subset (type, required, enum, pattern,
 * minItems, maxItems, minLength) and the x-kubernetes-validations CEL rules (evaluated with dev.cel, field names
 * escaped as Kubernetes does). Upstream's valid policies pass; the invalid ones a schema can catch are refused.
 */
class CrdSchemaTest {
    private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new java.util.concurrent.ConcurrentHashMap<>();

    static JsonNode crd(String name) throws IOException {
        try (InputStream in = CrdSchemaTest.class.getResourceAsStream("/crds/" + name)) {
            return PolicyParser.documents(new String(in.readAllBytes(), StandardCharsets.UTF_8)).get(0);
        }
    }

    static JsonNode schema(JsonNode crd, String version) {
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals(version)) {
                return v.path("schema").path("openAPIV3Schema");
            }
        }
        throw new AssertionError("no version " + version);
    }

    static List<String> validate(JsonNode schema, JsonNode value, String path) throws Exception {
        List<String> errs = new ArrayList<>();
        check(schema, value, path, errs);
        return errs;
    }

    private static void check(JsonNode s, JsonNode v, String path, List<String> errs) throws Exception {
        if (v == null || v.isNull()) {
            return;
        }
        String type = s.path("type").asText("");
        boolean ok = switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "boolean" -> v.isBoolean();
            case "integer" -> v.isIntegralNumber();
            default -> true;
        };
        if (!ok) {
            errs.add(path + ": Invalid value: " + path + " in body must be of type " + type);
            return;
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                errs.add(path + ": Unsupported value: " + v);
            }
        }
        if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(v.asText()).find()) {
            errs.add(path + ": Invalid value: " + v + ": " + path + " in body should match '" + s.get("pattern")
                    .asText() + "'");
        }
        if (s.has("minLength") && v.asText().length() < s.get("minLength").asInt()) {
            errs.add(path + ": Invalid value: should be at least " + s.get("minLength").asInt() + " chars long");
        }
        if (v.isArray()) {
            if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
                errs.add(path + ": Invalid value: should have at least " + s.get("minItems").asInt() + " items");
            }
            if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
                errs.add(path + ": Too many: must have at most " + s.get("maxItems").asInt() + " items");
            }
            for (int i = 0; i < v.size(); i++) {
                check(s.path("items"), v.get(i), path + "[" + i + "]", errs);
            }
        }
        if (v.isObject()) {
            for (JsonNode r : s.path("required")) {
                if (!v.hasNonNull(r.asText())) {
                    errs.add(path + "." + r.asText() + ": Required value");
                }
            }
            for (var e : s.path("properties").properties()) {
                check(e.getValue(), v.get(e.getKey()), path + "." + e.getKey(), errs);
            }
            if (s.has("additionalProperties")) {
                for (var e : v.properties()) {
                    check(s.get("additionalProperties"), e.getValue(), path + "." + e.getKey(), errs);
                }
            }
        }
        for (JsonNode rule : s.path("x-kubernetes-validations")) {
            // cel-java's parser refuses the "__" in Kubernetes' escaped names; rename consistently for the test.
            String text = rule.path("rule").asText().replace("__dash__", "XdashX");
            CelRuntime.Program program = PROGRAMS.get(text);
            if (program == null) {
                program = RUNTIME.createProgram(CEL.compile(text).getAst());
                PROGRAMS.put(text, program);
            }
            Object out = program.eval(Map.of("self", escaped(v)));
            if (!Boolean.TRUE.equals(out)) {
                errs.add(path + ": Invalid value: \"object\": " + rule.path("message").asText());
            }
        }
    }

    /** JSON as CEL values, with '-' in names escaped as Kubernetes escapes them ({@code __dash__}, spelled XdashX here). */
    private static Object escaped(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    m.put(e.getKey().replace("-", "XdashX"), escaped(e.getValue()));
                }
            });
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(escaped(e)));
            return l;
        }
        return n.isTextual() ? n.asText() : n.isBoolean() ? n.asBoolean() : n.isNumber() ? n.asLong() : n.toString();
    }

    static Stream<Arguments> files(String sub) throws IOException {
        Path dir = Vectors.dirOrNull("policy-controller/test/testdata/policy-controller/" + sub);
        if (dir == null) {
            return Stream.of(Arguments.of("(vectors absent)", null));
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().map(p -> Arguments.of(p.getFileName().toString(), p)).toList().stream();
        }
    }

    static Stream<Arguments> valid() throws IOException {
        return files("valid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void schema_validVector_accepted(String name, Path file) throws Exception {
        assumeTrue(file != null, "policy-controller vectors absent; skipping");
        JsonNode doc = PolicyParser.documents(Files.readString(file)).get(0);
        String version = doc.path("apiVersion").asText().substring("policy.sigstore.dev/".length());
        assertEquals(List.of(), validate(schema(crd("clusterimagepolicy.yaml"), version), doc, ""));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
        "invalid-glob.yaml,.spec.images[0].glob", "invalid-mode.yaml,.spec.mode",
        "v1beta1-invalid-hash-algo.yaml,.spec.authorities[0].key.hashAlgorithm",
        "v1beta1-invalid-match-resource.yaml,.spec.match[0].resource",
        "missing-identity.yaml,.spec.authorities[0].keyless.identities",
        "missing-issuer.yaml,missing field(s): issuer, issuerRegExp",
        "invalid-authority.yaml,expected exactly one, got neither: key, keyless, static",
        "valid-keyref-and-keylessref.yaml,expected exactly one, got both: key, keyless, static",
        "keyref-with-multiple-properties.yaml,expected exactly one, got both: data, kms, secretref",
        "keylessref-with-multiple-properties.yaml,expected exactly one, got both: ca-cert, url"})
    void schema_invalidVector_refused(String file, String expected) throws Exception {
        Path dir = Vectors.dirOrNull("policy-controller/test/testdata/policy-controller/invalid");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        JsonNode doc = PolicyParser.documents(Files.readString(dir.resolve(file))).get(0);
        String version = doc.path("apiVersion").asText().substring("policy.sigstore.dev/".length());
        List<String> errs = validate(schema(crd("clusterimagepolicy.yaml"), version), doc, "");
        assertTrue(errs.stream().anyMatch(e -> e.contains(expected)), () -> expected + " not in " + errs);
    }

    @Test
    void trustRootSchema_upstreamSigstoreKeys_acceptedAndExactlyOneSource() throws Exception {
        Path dir = Vectors.dirOrNull("policy-controller/test/testdata/trustroot/valid");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        JsonNode tr = crd("trustroot.yaml");
        JsonNode doc = PolicyParser.documents(Files.readString(dir.resolve("valid-sigstore-keys.yaml"))).get(0);
        assertEquals(List.of(), validate(schema(tr, "v1alpha1"), doc, ""));
        ObjectNode none = doc.deepCopy();
        ((ObjectNode) none.get("spec")).remove("sigstoreKeys");
        assertTrue(validate(schema(tr, "v1alpha1"), none, "").toString().contains("expected exactly one of"));
    }

    @Test
    void webhookRegistration_coversEveryCheckedKindAndPath() throws Exception {
        String text;
        try (InputStream in = CrdSchemaTest.class.getResourceAsStream("/deploy/webhook.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<JsonNode> docs = PolicyParser.documents(text);
        List<String> resources = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (JsonNode d : docs) {
            for (JsonNode w : d.path("webhooks")) {
                paths.add(w.path("clientConfig").path("service").path("path").asText());
                for (JsonNode r : w.path("rules")) {
                    r.path("resources").forEach(x -> resources.add(x.asText()));
                }
            }
        }
        for (String r : List.of("pods", "pods/ephemeralcontainers", "replicasets", "deployments", "statefulsets",
                "daemonsets", "jobs", "cronjobs", "clusterimagepolicies", "trustroots")) {
            assertTrue(resources.contains(r), r);
        }
        assertTrue(paths.containsAll(List.of("/validate", "/mutate", "/validate-policy")), paths.toString());
        // Everything the gate's own list asks for (the Helm chart is compared exactly in WebhookRulesChartTest).
        for (var w : dev.sigstack.gate.admission.AdmissionHandler.webhooks()) {
            assertTrue(paths.contains(w.path()), w.path());
            w.rules().forEach(r -> assertTrue(resources.containsAll(r.resources()), r.resources().toString()));
        }
    }
}
