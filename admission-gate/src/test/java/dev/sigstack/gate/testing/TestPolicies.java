package dev.sigstack.gate.testing;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** ClusterImagePolicy YAML as tests write it, loaded and compiled as the gate does. */
public final class TestPolicies {
    private TestPolicies() {
    }

    /** Every policy in {@code yaml}, with the default gate config and {@code cosign-system} as its namespace. */
    public static List<CompiledPolicy> compile(String yaml) {
        return Policies.loadAll(yaml, GateConfig.defaults(), "cosign-system").stream()
                .map(l -> CompiledPolicy.compile(l.policy())).toList();
    }

    /** A ClusterImagePolicy requiring, for images matching {@code glob}, a cosign signature by {@code key}. */
    public static String keyPolicy(String name, String glob, PublicKey key) {
        return """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: %s}
                spec:
                  images: [{glob: "%s"}]
                  authorities:
                  - key:
                      data: |
                %s
                """.formatted(name, glob, Cosign.pem(key).indent(8).stripTrailing());
    }

    /** The gate's engine over {@code policies}: real registry client, default config, empty environment. */
    public static PolicyEngine engine(List<CompiledPolicy> policies) {
        return new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()), GateConfig::defaults,
                () -> policies, new MapEnvironment(), Clock.systemUTC(), Duration.ofMinutes(5));
    }
}
