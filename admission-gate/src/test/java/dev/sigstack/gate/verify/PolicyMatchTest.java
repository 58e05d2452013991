package dev.sigstack.gate.verify;

import dev.sigstack.gate.testing.TestPolicies;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.testing.MapEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.match by resource, version, group and label selector (matchLabels and matchExpressions). */
class PolicyMatchTest {
    static final String IMAGE = "registry.internal/team/app@sha256:" + "c".repeat(64);
    static final String POLICY = """
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: frontend-only}
            spec:
              images: [{glob: "registry.internal/**"}]
              match:
              - group: apps
                version: v1
                resource: deployments
                selector:
                  matchLabels: {team: web}
                  matchExpressions:
                  - {key: tier, operator: In, values: [frontend, edge]}
                  - {key: experimental, operator: DoesNotExist}
              authorities: [{static: {action: fail, message: matched}}]
            """;

    static PolicyEngine engine(String yaml) {
        List<CompiledPolicy> ps = TestPolicies.compile(yaml);
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()),
                () -> new GateConfig(GateConfig.NoMatchPolicy.ALLOW, true, false), () -> ps, new MapEnvironment(),
                Clock.systemUTC(), Duration.ofMinutes(1));
    }

    static ResourceContext ctx(String group, String resource, Map<String, String> labels) {
        return new ResourceContext("prod", group, "v1", resource, labels, null, null, null);
    }

    @Test
    void matching_resourceAndSelector_onlySelectedWorkloads() {
        PolicyEngine e = engine(POLICY);
        Map<String, String> web = Map.of("team", "web", "tier", "frontend");
        assertTrue(e.validate(IMAGE, ctx("apps", "deployments", web)).toString().contains("matched"));
        assertTrue(e.validate(IMAGE, ctx("", "pods", web)).isEmpty(), "other resource");
        assertTrue(e.validate(IMAGE, ctx("apps", "deployments", Map.of("team", "web", "tier", "backend"))).isEmpty());
        assertTrue(e.validate(IMAGE, ctx("apps", "deployments", Map.of("team", "web", "tier", "edge",
                "experimental", "yes"))).isEmpty(), "DoesNotExist");
        assertTrue(e.validate(IMAGE, ctx("apps", "deployments", Map.of("tier", "frontend"))).isEmpty(), "matchLabels");
    }

    @Test
    void load_badSelectorOperator_refused() {
        String bad = POLICY.replace("operator: In, values: [frontend, edge]", "operator: Like, values: [x]");
        PolicyException ex = assertThrows(PolicyException.class,
                () -> Policies.loadAll(bad, GateConfig.defaults(), "cosign-system"));
        assertEquals("validation failed: invalid value: Like: spec.match[0].selector.matchExpressions[0].operator\n"
                + "not a valid selector operator", ex.getMessage());
    }

    @Test
    void specPolicy_includeObjectMetaAndTypeMeta_upstreamE2eForms() throws Exception {
        String yaml = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: labels}
                spec:
                  images: [{glob: "registry.internal/**"}]
                  authorities: [{static: {action: pass}}]
                  policy:
                    includeObjectMeta: true
                    includeTypeMeta: true
                    type: cue
                    data: |
                      metadata:
                        labels:
                          foo: "bar"
                      typemeta:
                        kind: "Pod"
                """;
        PolicyEngine e = engine(yaml);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        ResourceContext ok = new ResourceContext("prod", "", "v1", "pods", Map.of("foo", "bar"), null,
                json.readTree("{\"name\":\"p\",\"labels\":{\"foo\":\"bar\"}}"),
                json.readTree("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}"));
        assertTrue(e.validate(IMAGE, ok).isEmpty(), () -> e.validate(IMAGE, ok).toString());
        ResourceContext bad = new ResourceContext("prod", "", "v1", "pods", Map.of("foo", "baz"), null,
                json.readTree("{\"name\":\"p\",\"labels\":{\"foo\":\"baz\"}}"),
                json.readTree("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}"));
        String msg = e.validate(IMAGE, bad).toString();
        assertTrue(msg.contains("failed policy: labels") && msg.contains("metadata.labels.foo: conflicting values"),
                msg);
    }
}
