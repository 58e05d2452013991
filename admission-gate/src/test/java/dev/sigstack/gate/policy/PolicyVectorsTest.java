package dev.sigstack.gate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Replays policy-controller's valid and invalid ClusterImagePolicy documents. */
class PolicyVectorsTest {
    private static final String DIR = "policy-controller/test/testdata/policy-controller";

    static Stream<Arguments> files(String sub) throws IOException {
        Path dir = Vectors.dirOrNull(DIR + "/" + sub);
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

    static Stream<Arguments> invalid() throws IOException {
        return files("invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void load_validVector_accepted(String name, Path file) throws IOException {
        assumeTrue(file != null, "policy-controller vectors absent; skipping");
        List<Policies.Loaded> loaded = Policies.loadAll(Files.readString(file), GateConfig.defaults(),
                "cosign-system");
        assertEquals(1, loaded.size(), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void load_invalidVector_refusedWithUpstreamText(String name, Path file) throws IOException {
        assumeTrue(file != null, "policy-controller vectors absent; skipping");
        String text = Files.readString(file);
        List<String> expected = text.lines().filter(l -> l.startsWith("# ERROR:"))
                .map(l -> l.substring("# ERROR:".length()).strip()).toList();
        assertFalse(expected.isEmpty(), "vector has no ERROR line");
        PolicyException e = assertThrows(PolicyException.class,
                () -> Policies.loadAll(text, GateConfig.defaults(), "cosign-system"));
        for (String want : expected) {
            assertTrue(e.getMessage().contains(want), () -> "wanted \"" + want + "\" in:\n" + e.getMessage());
        }
    }
}
