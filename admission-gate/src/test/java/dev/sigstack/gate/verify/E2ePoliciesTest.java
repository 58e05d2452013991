package dev.sigstack.gate.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sigstack.core.testing.Vectors;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.policy.PolicyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * policy-controller's end-to-end policies: each one either loads and compiles, or is refused at load with a
 * message saying why (rego; configMapRef and remote policy bodies; a CUE comprehension outside the subset) - never
 * accepted and silently passed.
 */
class E2ePoliciesTest {
    static Stream<Arguments> files() throws IOException {
        Path dir = Vectors.dirOrNull("policy-controller/test/testdata/policy-controller/e2e");
        if (dir == null) {
            return Stream.of(Arguments.of("(vectors absent)", null));
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().map(p -> Arguments.of(p.getFileName().toString(), p)).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void load_e2ePolicy_compiledOrRefusedWithReason(String name, Path file) throws IOException {
        assumeTrue(file != null, "policy-controller vectors absent; skipping");
        String text = Files.readString(file);
        boolean rego = text.contains("type: rego") || text.contains("type: \"rego\"");
        boolean external = text.contains("configMapRef:") || text.matches("(?s).*\\n\\s+remote:.*");
        boolean comprehension = text.matches("(?s).*\\n\\s+if \\(.*");
        try {
            List<Policies.Loaded> loaded = Policies.loadAll(text, new GateConfig(GateConfig.NoMatchPolicy.DENY,
                    false, false), "cosign-system");
            loaded.forEach(l -> CompiledPolicy.compile(l.policy()));
            assertFalse(rego || external || comprehension, name + " should have been refused");
        } catch (PolicyException e) {
            assertTrue(rego && e.getMessage().contains("rego policies are not supported")
                    || external && e.getMessage().contains("only inline policies (data) are supported")
                    || comprehension && e.getMessage().contains("(if, for, let) are outside the supported CUE subset"),
                    name + ": " + e.getMessage());
        }
    }
}
