package dev.sigstack.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the public test vectors in {@code ../shared/vectors}; tests skip with a message when absent. */
public final class Vectors {
    private Vectors() {
    }

    /** The vectors folder, or a skipped test when it is absent. */
    public static Path dir() {
        String configured = System.getProperty("sigstack.vectors");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "vectors");
        assumeTrue(Files.isDirectory(dir),
                "public test vectors not found at " + dir.toAbsolutePath().normalize()
                        + " (expected ../shared/vectors beside the project); skipping");
        return dir;
    }

    /** A sub-folder of the vectors, or a skipped test when it is absent. */
    public static Path dir(String name) {
        Path d = dir().resolve(name);
        assumeTrue(Files.isDirectory(d), "vector folder " + d + " is absent; skipping");
        return d;
    }

    /** Like {@link #dir()} but for argument sources: null when absent (the test then skips itself). */
    public static Path dirOrNull(String name) {
        String configured = System.getProperty("sigstack.vectors");
        Path dir = (configured != null ? Path.of(configured) : Path.of("..", "shared", "vectors")).resolve(name);
        return Files.isDirectory(dir) ? dir : null;
    }
}
