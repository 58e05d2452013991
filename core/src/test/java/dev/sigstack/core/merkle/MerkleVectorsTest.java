package dev.sigstack.core.merkle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * transparency-dev/merkle testdata (../shared/vectors/merkle): every happy path verifies and every other
 * case ({@code wantErr: true}) is rejected. A size-0 consistency proof counts as an error.
 */
final class MerkleVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException {
        Path root = Vectors.dirOrNull("merkle");
        if (root == null) {
            return Stream.of(Arguments.of("vectors absent", null));
        }
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                out.add(Arguments.of(root.relativize(p).toString(), p));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verify_vector_matchesWantErr(String name, Path file) throws IOException {
        assumeTrue(file != null, "public test vectors (../shared/vectors/merkle) are absent; skipping");
        JsonNode v = JSON.readTree(file.toFile());
        boolean wantErr = v.path("wantErr").asBoolean(false);
        String kind = name.substring(0, name.indexOf('/'));
        Executable check = switch (kind) {
            case "inclusion" -> () -> Proofs.verifyInclusion(v.get("leafIdx").asLong(), v.get("treeSize").asLong(),
                    b64(v.get("leafHash")), hashes(v.get("proof")), b64(v.get("root")));
            case "consistency" -> () -> Proofs.verifyConsistency(v.get("size1").asLong(), v.get("size2").asLong(),
                    b64(v.get("root1")), b64(v.get("root2")), hashes(v.get("proof")));
            case "subtreeinclusion" -> () -> Proofs.verifySubtreeInclusion(v.get("leafIdx").asLong(),
                    v.get("start").asLong(), v.get("end").asLong(), b64(v.get("leafHash")), hashes(v.get("proof")),
                    b64(v.get("root")));
            case "subtreeconsistency" -> () -> Proofs.verifySubtreeConsistency(v.get("start").asLong(),
                    v.get("end").asLong(), v.get("size").asLong(), b64(v.get("root1")), b64(v.get("root2")),
                    hashes(v.get("proof")));
            default -> throw new IllegalStateException("unknown vector kind " + kind);
        };
        if (wantErr) {
            assertThrows(MerkleProofException.class, check, name + " must be rejected");
        } else {
            assertDoesNotThrow(check, name + " must verify");
        }
    }

    @Test
    void cases_vectorsPresent_includeHappyPathsAndFailures() throws IOException {
        Path root = Vectors.dir("merkle");
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertTrue(all.size() > 400, "expected the full transparency-dev set, found " + all.size());
            assertTrue(all.stream().anyMatch(p -> p.getFileName().toString().startsWith("happy-path")));
        }
    }

    private static byte[] b64(JsonNode n) {
        return n == null || n.isNull() ? null : Base64.getDecoder().decode(n.asText());
    }

    private static List<byte[]> hashes(JsonNode n) {
        List<byte[]> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(h -> out.add(Base64.getDecoder().decode(h.asText())));
        }
        return out;
    }
}
