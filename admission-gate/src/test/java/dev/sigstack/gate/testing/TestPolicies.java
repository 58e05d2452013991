package dev.sigstack.gate.testing;

import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.verify.CompiledPolicy;
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
}
