package dev.sigstack.core.bundle;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared public test vectors are: system property {@code sigstack.vectors}, else {@code ../shared/vectors}. */
final class Vectors {
    private Vectors() {
    }

    static Path root() {
        String p = System.getProperty("sigstack.vectors");
        return Path.of(p == null || p.isBlank() ? "../shared/vectors" : p);
    }

    /** The folder, or a skipped test when it is absent. */
    static Path require(String relative) {
        Path dir = root().resolve(relative);
        assumeTrue(Files.isDirectory(dir), "test vectors not found at " + dir.toAbsolutePath()
                + " (set -Dsigstack.vectors=<dir with sigstore-conformance/>); skipping");
        return dir;
    }

    /** For a parameter source: the folder, or null when it is absent. */
    static Path find(String relative) {
        Path dir = root().resolve(relative);
        return Files.isDirectory(dir) ? dir : null;
    }
}
