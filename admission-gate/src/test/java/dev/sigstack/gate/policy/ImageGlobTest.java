package dev.sigstack.gate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Replays policy-controller's glob cases and checks reference parsing. */
class ImageGlobTest {
    static Stream<Arguments> cases() throws IOException {
        Path dir = Vectors.dirOrNull("policy-controller");
        if (dir == null) {
            return Stream.of(Arguments.of(null, null, false, false));
        }
        JsonNode root = new ObjectMapper().readTree(dir.resolve("glob-cases.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            out.add(Arguments.of(c.get("image").asText(), c.get("glob").asText(), c.get("match").asBoolean(),
                    c.get("error").asBoolean()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @MethodSource("cases")
    void matches_globCase_asUpstream(String image, String glob, boolean match, boolean error) {
        assumeTrue(image != null, "policy-controller vectors absent; skipping");
        if (error) {
            assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile(glob).matches(image));
        } else {
            assertEquals(match, ImageGlob.compile(glob).matches(image));
        }
    }

    @Test
    void parse_bareName_defaultsToDockerHubLibraryLatest() {
        assertEquals("index.docker.io/library/busybox:latest", ImageReference.parse("busybox").name());
        assertEquals("index.docker.io/me/app:1", ImageReference.parse("docker.io/me/app:1").name());
        assertEquals("registry.local:5000/a/b:v1", ImageReference.parse("registry.local:5000/a/b:v1").name());
        String d = "sha256:" + "a".repeat(64);
        assertEquals("127.0.0.1:5000/x@" + d, ImageReference.parse("127.0.0.1:5000/x:tag@" + d).name());
    }

    @Test
    void parse_hostileReference_refused() {
        for (String bad : List.of("", "UPPER/case", "a b", "x@sha256:zz", "x:" + "t".repeat(200), "reg.io//x")) {
            assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(bad), bad);
        }
    }

    @Test
    void compile_bracket_refusedAsSyntaxError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageGlob.compile("["));
        assertEquals("syntax error in pattern", e.getMessage());
    }
}
