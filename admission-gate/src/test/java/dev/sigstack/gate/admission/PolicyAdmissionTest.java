package dev.sigstack.gate.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.testing.Vectors;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The policy webhook answers kubectl with policy-controller's messages. */
class PolicyAdmissionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final PolicyAdmission admission = new PolicyAdmission(GateConfig::defaults, "cosign-system");

    JsonNode review(JsonNode object) throws Exception {
        String r = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\","
                + "\"operation\":\"CREATE\",\"object\":" + object + "}}";
        return JSON.readTree(admission.validate(r.getBytes(StandardCharsets.UTF_8))).path("response");
    }

    @Test
    void validate_invalidPolicies_refusedWithUpstreamErrors() throws Exception {
        Path dir = Vectors.dirOrNull("policy-controller/test/testdata/policy-controller/invalid");
        assumeTrue(dir != null, "policy-controller vectors absent; skipping");
        JsonNode r = review(PolicyParser.documents(Files.readString(dir.resolve("keylessref-with-multiple-properties"
                + ".yaml"))).get(0));
        assertFalse(r.path("allowed").asBoolean());
        assertTrue(r.path("status").path("message").asText().contains("expected exactly one, got both: "
                + "spec.authorities[0].keyless.ca-cert, spec.authorities[0].keyless.url"), r.toString());
    }

    @Test
    void validate_shortPredicateTypeAndRego_warningAndRefusal() throws Exception {
        String base = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: p}
                spec:
                  images: [{glob: "**"}]
                  authorities:
                  - static: {action: pass}
                  - key: {secretRef: {name: k}}
                    attestations: [{name: a, predicateType: %s, policy: {type: %s, data: "%s"}}]
                """;
        JsonNode ok = review(PolicyParser.documents(base.formatted("vuln", "cue", "predicate: {}")).get(0));
        assertTrue(ok.path("allowed").asBoolean(), ok.toString());
        assertEquals("invalid value: vuln: spec.authorities[1].attestations.predicateType\ndeprecated value, please "
                + "use RFC 3986 conformant values", ok.path("warnings").get(0).asText());
        JsonNode rego = review(PolicyParser.documents(base.formatted("https://x/y", "rego", "package sigstore"))
                .get(0));
        assertFalse(rego.path("allowed").asBoolean());
        assertTrue(rego.path("status").path("message").asText().contains("rego policies are not supported"));
        JsonNode badCue = review(PolicyParser.documents(base.formatted("https://x/y", "cue", "#Def: {}")).get(0));
        assertFalse(badCue.path("allowed").asBoolean());
        assertTrue(badCue.path("status").path("message").asText().contains("definitions (#Name) are outside"),
                badCue.toString());
    }
}
