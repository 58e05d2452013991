package dev.sigstack.gate.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sigstack.gate.oci.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Zero egress: the gate and a registry run in a fresh network namespace ({@code unshare -n}, util-linux) whose only
 * interface is loopback; the gate still decides. Skips when namespaces cannot be created (not root).
 */
class ZeroEgressTest {
    @Test
    void gate_inLoopbackOnlyNetworkNamespace_decides() throws Exception {
        assumeTrue(Files.isExecutable(TestRegistry.BINARY), "/usr/bin/docker-registry absent; skipping");
        Process probe;
        try {
            probe = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            probe = null;
        }
        assumeTrue(probe != null && probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "cannot create a network namespace here (needs root / CAP_SYS_ADMIN); skipping the zero-egress demo");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder("unshare", "-n", "sh", "-c", "ip link set lo up && exec \"$0\" -cp \"$1\" "
                + ZeroEgressDemo.class.getName(), java, cp).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "demo timed out:\n" + out);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("INTERFACES [lo]"), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("EGRESS refused: ")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("DECISION ") && l.contains("/app/web@")
                && l.endsWith("allowed=true")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("DECISION ") && l.contains("/app/tool@")
                && l.endsWith("allowed=false")), out);
    }
}
