package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor's H2 state survives SIGKILL: a process commits monitor positions as fast as it can and reports each
 * after its commit returned; killed mid-stream, the reopened store holds at least the last reported position.
 */
final class MonitorStoreDurabilityTest {
    @TempDir
    Path tmp;

    @Test
    void commitBatch_processKilledMidStream_everyReportedPositionSurvives() throws Exception {
        long reported = 0;
        for (int kill = 0; kill < 3; kill++) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Committer.class.getName(),
                    tmp.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            long seen = -1;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                long first = -1;
                for (String line; (line = out.readLine()) != null; ) {
                    seen = Long.parseLong(line.strip());
                    first = first < 0 ? seen : first;
                    if (seen - first >= 300) {
                        break; // well into the stream: commits keep coming while it is killed
                    }
                }
                p.destroyForcibly();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the committer survived SIGKILL");
                assertEquals(137, p.exitValue(), "the committer died of SIGKILL");
            }
            assertTrue(seen >= reported, "the committer reported positions (" + seen + ")");
            reported = seen;
            try (MonitorStore store = MonitorStore.open(tmp)) {
                long position = store.position().size();
                assertTrue(position >= reported, "kill " + kill + ": position " + position
                        + " after restart, but " + reported + " had been committed and reported");
            }
        }
    }

    /** The child: commits one checked entry per batch, prints the new position after each commit returned. */
    static final class Committer {
        public static void main(String[] args) throws Exception {
            try (MonitorStore store = MonitorStore.open(Path.of(args[0]))) {
                CompactRange range = store.position();
                while (true) {
                    long next = range.size();
                    CompactRange moved = range.copy();
                    moved.append(new byte[32]);
                    store.commitBatch(next, moved, List.of(new MonitorStore.CheckedEntry(next, "uuid-" + next,
                            "hashedrekord", List.of(), List.of())), List.of());
                    range = moved;
                    System.out.println(moved.size());
                    System.out.flush();
                }
            }
        }
    }
}
