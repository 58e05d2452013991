package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.tiles.EntryBundle;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tampered log: a fixture proxy serves the monitor a second log signed with the same key (a fork, a rollback)
 * or rewrites what the honest log serves.
 */
final class ForkDetectionTest {
    static final String ALLOW = "identities:\n  - issuer: https://dex.internal\n    subject: release@example.com\n";
    static final TestLog.Id RELEASE = new TestLog.Id("release@example.com", "https://dex.internal");

    @TempDir
    static Path tmp;
    static TestLog honest;

    @BeforeAll
    static void start() throws Exception {
        honest = TestLog.start(tmp.resolve("honest"), null);
        append(honest, 10);
    }

    @AfterAll
    static void stop() {
        honest.close();
    }

    static void append(TestLog log, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            log.append(RELEASE);
        }
    }

    static MonitorService open(TamperingProxy proxy, String name, Duration stall) throws Exception {
        return MonitorService.open(new MonitorService.Config(URI.create(proxy.url()), honest.verifier(), honest.origin(), null, tmp.resolve(name), Allowlist.parse(ALLOW), null, null, 0, null,
                new LogMonitor.Settings(Duration.ofSeconds(1), stall)));
    }

    static List<ObjectNode> alerts(MonitorService m, AlertType t) throws Exception {
        return m.store.alerts(t.label(), 100);
    }

    /** Watches the honest log, then is served {@code forked} instead; returns the monitor's critical alerts. */
    static List<ObjectNode> switchTo(String name, TestLog forked, AlertType expected) throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url()); MonitorService m = open(proxy, name, null)) {
            assertEquals(10, m.monitor.poll().checked());
            VerifiedCheckpoint before = m.store.checkpoint().orElseThrow();
            proxy.upstream = forked.url();
            LogMonitor.PollResult r = m.monitor.poll();
            m.monitor.poll(); // the same misbehavior again: still one alert
            assertEquals(-1, r.treeSize(), r + " " + m.store.alerts(null, 10));
            assertEquals(before, m.store.checkpoint().orElseThrow(), "the forked checkpoint must not be trusted");
            assertEquals(10, m.store.entryCount(), "no entry of the forked tree may be checked");
            assertEquals(1, m.metrics.alerts(expected));
            return alerts(m, expected);
        }
    }

    @Test
    void poll_forkWithMoreEntriesSignedBySameKey_raisesForkAlert() throws Exception {
        try (TestLog forked = TestLog.start(tmp.resolve("fork-larger"), honest)) {
            append(forked, 15);
            List<ObjectNode> found = switchTo("fork-larger-state", forked, AlertType.FORK);
            assertEquals(1, found.size());
            ObjectNode a = found.get(0);
            assertEquals("critical", a.get("severity").asText());
            assertTrue(a.get("message").asText().contains("is not consistent with checkpoint 10"), a.toString());
            assertTrue(a.at("/details/verifiedCheckpoint").asText().startsWith(honest.origin() + "\n10\n"), a.toString());
            assertTrue(a.at("/details/servedCheckpoint").asText().startsWith(honest.origin() + "\n15\n"), a.toString());
        }
    }

    @Test
    void poll_sameSizeDifferentRoot_raisesForkAlert() throws Exception {
        try (TestLog forked = TestLog.start(tmp.resolve("fork-same"), honest)) {
            append(forked, 10);
            List<ObjectNode> found = switchTo("fork-same-state", forked, AlertType.FORK);
            assertTrue(found.get(0).get("message").asText().contains("two signed checkpoints of size 10"));
        }
    }

    @Test
    void poll_smallerTree_raisesRollbackAlert() throws Exception {
        try (TestLog forked = TestLog.start(tmp.resolve("rollback"), honest)) {
            append(forked, 4);
            List<ObjectNode> found = switchTo("rollback-state", forked, AlertType.ROLLBACK);
            assertTrue(found.get(0).get("message").asText().contains("from 10 to 4"), found.toString());
        }
    }

    @Test
    void poll_checkpointByAnotherKey_raisesBadCheckpointAlert() throws Exception {
        try (TestLog other = TestLog.start(tmp.resolve("other-key"), null)) {
            append(other, 12);
            List<ObjectNode> found = switchTo("other-key-state", other, AlertType.BAD_CHECKPOINT);
            assertTrue(found.get(0).get("message").asText().contains("signature"), found.toString());
        }
    }

    @Test
    void poll_entryBundleRewritten_raisesForkAlertAndChecksNothing() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url()); MonitorService m = open(proxy, "bundle-state", null)) {
            TestLog.Appended substitute;
            try (TestLog scratch = TestLog.start(tmp.resolve("scratch"), null)) {
                substitute = scratch.append(new TestLog.Id("mallory@example.com", "https://dex.internal"));
            }
            // The log serves honest checkpoints and hash tiles, but swaps entry 3 in the bundle for another body.
            proxy.rewriter = (path, body) -> {
                if (!path.startsWith("/tile/entries/")) {
                    return null;
                }
                List<byte[]> entries = new ArrayList<>(EntryBundle.decode(body));
                entries.set(3, substitute.body());
                return EntryBundle.encode(entries);
            };
            LogMonitor.PollResult r = m.monitor.poll();
            assertEquals(0, r.checked());
            assertEquals(0, m.store.entryCount());
            List<ObjectNode> found = alerts(m, AlertType.FORK);
            assertEquals(1, found.size());
            assertTrue(found.get(0).get("message").asText().contains("are not the ones in signed checkpoint"),
                    found.toString());
            assertEquals(List.of(), alerts(m, AlertType.UNLISTED_IDENTITY), "a substituted entry must not be checked");
        }
    }

    @Test
    void poll_truncatedEntryBundle_raisesForkAlert() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url()); MonitorService m = open(proxy, "trunc-state", null)) {
            proxy.rewriter = (path, body) -> path.startsWith("/tile/entries/")
                    ? java.util.Arrays.copyOf(body, body.length - 1) : null;
            assertEquals(0, m.monitor.poll().checked());
            assertEquals(1, alerts(m, AlertType.FORK).size());
        }
    }

    @Test
    void poll_noNewCheckpointForStallTime_raisesOneStallAlert() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url());
                MonitorService m = open(proxy, "stall-state", Duration.ofMillis(300))) {
            m.monitor.poll();
            assertEquals(List.of(), alerts(m, AlertType.STALL));
            Thread.sleep(400);
            m.monitor.poll();
            m.monitor.poll();
            List<ObjectNode> found = alerts(m, AlertType.STALL);
            assertEquals(1, found.size());
            assertEquals("warning", found.get(0).get("severity").asText());
        }
    }

    @Test
    void restart_afterQuietPeriod_stallClockRunsFromTheStoredCheckpoint() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url())) {
            try (MonitorService m = open(proxy, "stall-restart-state", Duration.ofMillis(300))) {
                m.monitor.poll();
            }
            Thread.sleep(400);
            try (MonitorService m = open(proxy, "stall-restart-state", Duration.ofMillis(300))) {
                m.monitor.poll();
                assertEquals(1, alerts(m, AlertType.STALL).size(), "the restart must not reset the stall clock");
            }
        }
    }

    @Test
    void poll_logUnreachable_countsReadErrorsAndRaisesStall() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url());
                MonitorService m = open(proxy, "down-state", Duration.ofMillis(200))) {
            proxy.failing = p -> true;
            m.monitor.poll();
            Thread.sleep(300);
            m.monitor.poll();
            assertEquals(2, m.metrics.logReadErrors.sum());
            assertEquals(1, alerts(m, AlertType.STALL).size());
            assertTrue(m.metrics.render().contains("sigstack_monitor_log_read_errors_total 2"));
        }
    }

    @Test
    void poll_checkpointWithWrongOrigin_raisesBadCheckpoint() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url());
                MonitorService m = MonitorService.open(new MonitorService.Config(URI.create(proxy.url()),
                        honest.verifier(), "other.origin", null, tmp.resolve("origin-state"),
                        Allowlist.parse(ALLOW), null, null, 0, null, new LogMonitor.Settings(Duration.ofSeconds(1), null)))) {
            m.monitor.poll();
            List<ObjectNode> found = alerts(m, AlertType.BAD_CHECKPOINT);
            assertEquals(1, found.size());
            assertTrue(found.get(0).get("message").asText().contains("origin"));
            assertEquals(0, m.store.entryCount());
        }
    }

    @Test
    void poll_oversizedCheckpoint_isAReadErrorNotAnOutOfMemory() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url()); MonitorService m = open(proxy, "huge-state", null)) {
            proxy.rewriter = (path, body) -> path.equals("/checkpoint") ? new byte[2_000_000] : null;
            LogMonitor.PollResult r = m.monitor.poll();
            assertEquals(-1, r.treeSize());
            assertEquals(1, m.metrics.logReadErrors.sum());
            assertEquals(0, m.store.entryCount());
        }
    }

    @Test
    void poll_checkpointWithGarbageSignature_raisesBadCheckpoint() throws Exception {
        try (TamperingProxy proxy = new TamperingProxy(honest.url()); MonitorService m = open(proxy, "garbage-state", null)) {
            proxy.rewriter = (path, body) -> {
                if (!path.equals("/checkpoint")) {
                    return null;
                }
                String note = new String(body, StandardCharsets.UTF_8);
                return note.replace("\n10\n", "\n11\n").getBytes(StandardCharsets.UTF_8); // text changed, signature kept
            };
            m.monitor.poll();
            List<ObjectNode> found = alerts(m, AlertType.BAD_CHECKPOINT);
            assertEquals(1, found.size());
            assertTrue(found.get(0).get("message").asText().contains("does not verify"), found.toString());
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
