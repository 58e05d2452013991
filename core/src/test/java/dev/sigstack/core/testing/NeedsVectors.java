package dev.sigstack.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** For jqwik properties that read the public vectors: skipped with a message when they are absent, as Vectors does. */
public final class NeedsVectors implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String configured = System.getProperty("sigstack.vectors");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "vectors");
        return Files.isDirectory(dir) ? SkipResult.doNotSkip()
                : SkipResult.skip("public test vectors not found at " + dir.toAbsolutePath().normalize() + "; skipping");
    }
}
