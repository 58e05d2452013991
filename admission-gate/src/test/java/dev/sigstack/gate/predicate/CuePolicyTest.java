package dev.sigstack.gate.predicate;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The CUE subset: upstream's policies with their attestations, and each construct of the subset. */
class CuePolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** cosign's custom predicate statement, as {@code cosign attest --type custom} writes it. */
    static JsonNode customStatement() throws IOException {
        return JSON.readTree("""
                {"_type":"https://in-toto.io/Statement/v0.1",
                 "predicateType":"https://cosign.sigstore.dev/attestation/v1",
                 "subject":[{"name":"registry.local/demo","digest":{"sha256":"%s"}}],
                 "predicate":{"Data":"foobar e2e test\\n","Timestamp":"2022-04-12T00:00:00Z"}}
                """.formatted("a".repeat(64)));
    }

    static JsonNode vulnStatement(Path dir) throws IOException {
        ObjectNode st = (ObjectNode) JSON.readTree("""
                {"_type":"https://in-toto.io/Statement/v0.1",
                 "predicateType":"https://cosign.sigstore.dev/attestation/vuln/v1","subject":[]}""");
        st.set("predicate", JSON.readTree(dir.resolve("test/testdata/attestations/vuln-predicate.json").toFile()));
        return st;
    }

    static Stream<Arguments> upstream() {
        Path dir = Vectors.dirOrNull("policy-controller");
        if (dir == null) {
            return Stream.of(Arguments.of(null, null));
        }
        return Stream.of("cue-works.cue", "cue-fails.cue", "cue-vuln-works.cue", "cue-vuln-fails.cue")
                .map(f -> Arguments.of(f, dir));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstream")
    void evaluate_upstreamPolicy_expectedVerdict(String file, Path dir) throws IOException {
        assumeTrue(file != null, "policy-controller vectors absent; skipping");
        CuePolicy policy = CuePolicy.compile(Files.readString(dir.resolve("test/testdata/policies/" + file)));
        JsonNode input = file.contains("vuln") ? vulnStatement(dir) : customStatement();
        if (file.endsWith("-works.cue")) {
            assertDoesNotThrow(() -> policy.evaluate(input));
        } else {
            PolicyViolation v = assertThrows(PolicyViolation.class, () -> policy.evaluate(input));
            assertTrue(v.getMessage().contains("conflicting values") || v.getMessage().contains("out of bound"),
                    v.getMessage());
        }
    }

    @Test
    void evaluate_configPolicyChainedQuotedLabels_checksEachPlatform() throws IOException {
        Path dir = Vectors.dirOrNull("policy-controller");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        CuePolicy p = CuePolicy.compile(Files.readString(dir.resolve("test/testdata/policies/cue-policy-config.cue")));
        assertDoesNotThrow(() -> p.evaluate(JSON.readTree(
                "{\"config\":{\"linux/amd64\":{\"config\":{\"User\":\"65530\"}}}}")));
        PolicyViolation v = assertThrows(PolicyViolation.class, () -> p.evaluate(JSON.readTree(
                "{\"config\":{\"linux/amd64\":{\"config\":{\"User\":\"0\"}}}}")));
        assertTrue(v.getMessage().startsWith("config.linux/amd64.config.User: conflicting values \"65530\" and \"0\""),
                v.getMessage());
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '§', value = {
        "a: =~\"^https://ci\\\\.local/\" § {\"a\":\"https://ci.local/x\"} § true",
        "a: =~\"^https://ci\\\\.local/\" § {\"a\":\"https://evil/x\"} § false",
        "a: !~\"forbidden\" § {\"a\":\"ok\"} § true",
        "a: =~#\"^v[0-9]+\\.[0-9]+$\"# § {\"a\":\"v1.2\"} § true",
        "a: =~#\"^v[0-9]+\\.[0-9]+$\"# § {\"a\":\"v1x2\"} § false",
        "a: !~\"forbidden\" § {\"a\":\"forbidden-x\"} § false",
        "a: >=2 & <5 § {\"a\":3} § true",
        "a: >=2 & <5 § {\"a\":5} § false",
        "a: \"x\" | \"y\" § {\"a\":\"y\"} § true",
        "a: *\"x\" | \"y\" § {\"a\":\"z\"} § false",
        "a: string § {\"a\":1} § false",
        "a: int § {\"a\":1} § true",
        "a: int § {\"a\":1.5} § false",
        "a: bool, b: null § {\"a\":true,\"b\":null} § true",
        "a: [...string] § {\"a\":[\"x\",\"y\"]} § true",
        "a: [...string] § {\"a\":[\"x\",2]} § false",
        "a: [1, 2] § {\"a\":[1,2,3]} § false",
        "a: b: c: 1 § {\"a\":{\"b\":{\"c\":1}}} § true",
        "a: !=\"root\" § {\"a\":\"root\"} § false",
        "x: 3, a: x § {\"a\":3} § true",
        "x: 3, a: x § {\"a\":4} § false",
        "a: {b: >0} § {\"a\":\"s\"} § false",
        "a?: 1 § {} § true",
        "a: _|_ § {\"a\":1} § false",
        "a: =~\"^main$\" § {\"a\":\"main\\n\"} § false",
        "a: =~\"main\" § {\"a\":\"refs/heads/main-x\"} § true",

    })
    void evaluate_subsetConstruct_verdict(String policy, String json, boolean pass) throws IOException {
        CuePolicy p = CuePolicy.compile(policy);
        JsonNode input = JSON.readTree(json);
        if (pass) {
            assertDoesNotThrow(() -> p.evaluate(input));
        } else {
            assertThrows(PolicyViolation.class, () -> p.evaluate(input));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "#Def: {a: 1}", "[string]: int", "import \"math\"", "a: list.Contains([1], 1)", "a: \"\\(b)\"",
        "a: 1 == 1", "a: {", "if (len(x) < 2) {a: 1}", "a: struct.MaxFields(x)", "a: \"unterminated", "a: =~\"(\"", "a: =~\"(?=x)\"", "a: =~\"(a)\\\\1\"", "a: strings.Foo(\"x\")", "a: #\"x"})
    void compile_outsideSubset_refusedWithLine(String policy) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CuePolicy.compile(policy));
        assertTrue(e.getMessage().startsWith("cue policy line "), e.getMessage());
    }

    @Test
    void evaluate_countBuiltinsAndFieldOnNextLine_upstreamE2eForms() throws IOException {
        CuePolicy counts = CuePolicy.compile("""
                import "struct"
                import "list"
                authorityMatches: {
                  keyatt: {
                    attestations: struct.MaxFields(1) & struct.MinFields(1)
                  },
                  keysignature: {
                    signatures: list.MaxItems(1) & list.MinItems(1)
                  }
                }
                """);
        assertDoesNotThrow(() -> counts.evaluate(JSON.readTree("""
                {"authorityMatches":{"keyatt":{"attestations":{"a":[]}},"keysignature":{"signatures":[{"id":"x"}]}}}
                """)));
        PolicyViolation v = assertThrows(PolicyViolation.class, () -> counts.evaluate(JSON.readTree("""
                {"authorityMatches":{"keyatt":{"attestations":{"a":[],"b":[]}},"keysignature":{"signatures":[]}}}
                """)));
        assertTrue(v.getMessage().contains("struct.MaxFields(1)") && v.getMessage().contains("list.MinItems(1)"),
                v.getMessage());
        CuePolicy nextLine = CuePolicy.compile("metadata:\n  labels:\n    foo: \"bar\"\n");
        assertDoesNotThrow(() -> nextLine.evaluate(JSON.readTree("{\"metadata\":{\"labels\":{\"foo\":\"bar\"}}}")));
        assertThrows(PolicyViolation.class, () -> nextLine.evaluate(JSON.readTree(
                "{\"metadata\":{\"labels\":{\"foo\":\"baz\"}}}")));
    }

    @Test
    void compile_hostileNesting_refusedNotStackOverflow() {
        String deep = "a: " + "{b: ".repeat(5000) + "1" + "}".repeat(5000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CuePolicy.compile(deep));
        assertTrue(e.getMessage().contains("nesting deeper than"), e.getMessage());
        String lists = "a: " + "[".repeat(5000);
        assertThrows(IllegalArgumentException.class, () -> CuePolicy.compile(lists));
    }

    @Test
    void compile_rego_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredicatePolicy.compile("rego", "package sigstore\nisCompliant = true"));
        assertTrue(e.getMessage().contains("rego policies are not supported"), e.getMessage());
    }
}
