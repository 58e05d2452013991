package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.testing.Vectors;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against a log written by upstream (transparency-dev/tessera {@code testdata/log}, Ed25519 note key):
 * checkpoints 5 then 15 are verified and proven consistent from tessera's own tiles, and every entry is read and
 * proven against the signed root. Its entries are plain words, not Rekor bodies, so each is reported malformed.
 */
final class UpstreamTileLogTest {
    static final String VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

    @TempDir
    Path tmp;

    /** Serves the tessera log with {@code size} as its current checkpoint; hash tiles padded when {@code padTiles}. */
    static HttpServer serve(Path dir, AtomicInteger size, java.util.concurrent.atomic.AtomicBoolean padTiles)
            throws java.io.IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath().substring(1);
            Path f = path.equals("checkpoint") ? dir.resolve("checkpoint." + size.get()) : dir.resolve(path).normalize();
            byte[] b = f.startsWith(dir) && Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
            if (b != null && padTiles.get() && path.startsWith("tile/0/")) {
                b = java.util.Arrays.copyOf(b, b.length + 32);
            }
            ex.sendResponseHeaders(b == null ? 404 : 200, b == null ? -1 : b.length);
            if (b != null) {
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        s.start();
        return s;
    }

    static MonitorService open(HttpServer s, Path state) throws Exception {
        return MonitorService.open(new MonitorService.Config(
                URI.create("http://127.0.0.1:" + s.getAddress().getPort()), NoteKeys.verifier(VKEY), null, null,
                state, Allowlist.empty(), null, null, 0, null, new LogMonitor.Settings(Duration.ofSeconds(1), null)));
    }

    @Test
    void poll_hashTileOfWrongLength_isRefusedUntilTheLogServesItRight() throws Exception {
        Path dir = Vectors.dir("tessera-log").toAbsolutePath().normalize();
        AtomicInteger size = new AtomicInteger(5);
        var pad = new java.util.concurrent.atomic.AtomicBoolean();
        HttpServer s = serve(dir, size, pad);
        try (MonitorService m = open(s, tmp.resolve("pad-state"))) {
            assertEquals(5, m.monitor.poll().checked());
            size.set(15);
            pad.set(true); // the consistency proof 5 -> 15 reads tile 0/000.p/15: served 32 bytes too long
            LogMonitor.PollResult r = m.monitor.poll();
            assertEquals(0, r.checked());
            assertEquals(5, m.store.checkpoint().orElseThrow().size(), "checkpoint 15 must not be accepted");
            assertEquals(1, m.metrics.logReadErrors.sum());
            pad.set(false);
            assertEquals(10, m.monitor.poll().checked());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void poll_tesseraLog_verifiesConsistencyAndReadsEveryEntry() throws Exception {
        Path dir = Vectors.dir("tessera-log").toAbsolutePath().normalize();
        AtomicInteger size = new AtomicInteger(5);
        HttpServer s = serve(dir, size, new java.util.concurrent.atomic.AtomicBoolean());
        try (MonitorService m = MonitorService.open(new MonitorService.Config(
                URI.create("http://127.0.0.1:" + s.getAddress().getPort()), NoteKeys.verifier(VKEY), null, null,
                tmp.resolve("state"), Allowlist.empty(), null, null, 0, null,
                new LogMonitor.Settings(Duration.ofSeconds(1), null)))) {
            assertEquals(5, m.monitor.poll().checked(), m.store.alerts(null, 10).toString());
            size.set(15);
            LogMonitor.PollResult r = m.monitor.poll();
            assertEquals(15, r.treeSize());
            assertEquals(10, r.checked());
            assertEquals(0, m.metrics.alerts(AlertType.FORK) + m.metrics.alerts(AlertType.BAD_CHECKPOINT));
            assertEquals(15, m.store.alerts("malformed_entry", 100).size());
            assertEquals(2, m.metrics.checkpointsVerified.sum());
        } finally {
            s.stop(0);
        }
    }
}
