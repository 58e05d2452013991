package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sigstack.core.rekor.CanonicalEntry;
import dev.sigstack.core.rekor.ProposedEntries;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.tlog.LogEngine;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries checked per second by the monitor against a local log, and the log's append rate in the same run.
 * Not part of the normal build: {@code ./mvnw -pl log-monitor -am verify -DexcludedGroups= -Dtest=MonitorBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (size: {@code -Dmonitor.bench.entries=20000}).
 */
@Tag("benchmark")
final class MonitorBenchmark {
    @TempDir
    Path tmp;

    @Test
    void monitor_catchUpAndLiveTail_versusAppendRate() throws Exception {
        int n = Integer.getInteger("monitor.bench.entries", 20_000);
        int writers = Integer.getInteger("monitor.bench.writers", 8);
        try (TestLog log = TestLog.start(tmp.resolve("log"), null)) {
            // Real hashedrekord bodies: 50 Fulcio-profile certificates, each signing distinct random digests.
            List<KeyPair> keys = new ArrayList<>();
            List<String> pems = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                KeyPair kp = TestLog.p256();
                keys.add(kp);
                String subject = i % 10 == 9 ? "intruder" + i + "@example.com" : "release@example.com";
                pems.add(PublicKeyMaterial.pem("CERTIFICATE",
                        TestLog.certificate(kp, new TestLog.Id(subject, "https://dex.internal")).getEncoded()));
            }
            SecureRandom random = new SecureRandom();
            List<CanonicalEntry> entries = new ArrayList<>();
            for (int i = 0; i < 2 * n; i++) {
                byte[] digest = new byte[32];
                random.nextBytes(digest);
                entries.add(ProposedEntries.canonicalize(TestLog.proposedHashedRekord(keys.get(i % 50), pems.get(i % 50), digest)));
            }

            // 1. The log's append rate: concurrent writers, until the last entry is in a published checkpoint.
            double appendRate = append(log, entries.subList(0, n), writers);

            // 2. Monitor catch-up: a fresh monitor checks all n entries.
            String allow = "identities:\n  - issuer: https://dex.internal\n    subject: release@example.com\n";
            try (MonitorService m = MonitorService.open(new MonitorService.Config(URI.create(log.url()),
                    log.verifier(), log.origin(), null, tmp.resolve("state"),
                    Allowlist.parse(allow), null, null, 0, null, new LogMonitor.Settings(Duration.ofMillis(200), null)))) {
                long t0 = System.nanoTime();
                long checked = 0;
                while (checked < n) {
                    checked += m.monitor.poll().checked();
                }
                double catchUp = n / ((System.nanoTime() - t0) / 1e9);
                assertEquals(n, m.store.entryCount());

                // 3. Live tail: the monitor polls in the background while writers append n more entries.
                m.start();
                long a0 = System.nanoTime();
                append(log, entries.subList(n, 2 * n), writers);
                long appended = System.nanoTime();
                while (m.metrics.nextIndex.get() < 2L * n) {
                    Thread.sleep(5);
                }
                long done = System.nanoTime();
                double liveAppend = n / ((appended - a0) / 1e9);
                double lagMs = (done - appended) / 1e6;
                double liveChecked = n / ((done - a0) / 1e9);
                long alerts = m.metrics.alerts(AlertType.UNLISTED_IDENTITY);
                String report = String.format(
                        "entries=%d writers=%d cores=%d%n"
                                + "log append rate (in-process LogEngine.add, %d writers, until integrated): %.0f entries/s%n"
                                + "monitor catch-up (fresh state, HTTP tiles, proofs, decode, allowlist, H2): %.0f entries/s"
                                + " (%.2fx the append rate)%n"
                                + "live tail while appending: appends %.0f entries/s, monitor checked %.0f entries/s,"
                                + " caught up %.0f ms after the last append%n"
                                + "unlisted-identity alerts raised: %d (expected %d)%n",
                        n, writers, Runtime.getRuntime().availableProcessors(), writers, appendRate, catchUp,
                        catchUp / appendRate, liveAppend, liveChecked, lagMs, alerts, 2L * n / 10);
                System.out.print(report);
                Files.writeString(Path.of("target", "monitor-benchmark.txt"), report);
                assertEquals(2L * n / 10, alerts);
            }
        }
    }

    static double append(TestLog log, List<CanonicalEntry> entries, int writers) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long t0 = System.nanoTime();
        List<Future<Long>> fs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            fs.add(pool.submit(() -> {
                long last = -1;
                for (int i; (i = next.getAndIncrement()) < entries.size(); ) {
                    CanonicalEntry e = entries.get(i);
                    while (true) {
                        try {
                            last = Math.max(last, log.server.engine().add(
                                    new LogEngine.NewEntry(e.body(), e.leafHash(), e.indexKeys(), null)).index());
                            break;
                        } catch (dev.sigstack.tlog.PushbackException p) {
                            Thread.sleep(1);
                        }
                    }
                }
                return last;
            }));
        }
        long last = -1;
        for (Future<Long> f : fs) {
            last = Math.max(last, f.get());
        }
        log.server.engine().awaitIntegrated(last, Duration.ofMinutes(5));
        double rate = entries.size() / ((System.nanoTime() - t0) / 1e9);
        pool.shutdown();
        return rate;
    }
}
