package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sigstack.core.rekor.CanonicalEntry;
import dev.sigstack.core.rekor.ProposedEntries;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.PushbackException;
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
 * Not part of the normal build:
 * {@code ./mvnw -pl log-monitor -am verify -DexcludedGroups= -Dtest=MonitorBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (sizes: {@code -Dmonitor.bench.entries=20000 -Dmonitor.bench.http=2000 -Dmonitor.bench.clients=64}).
 */
@Tag("benchmark")
final class MonitorBenchmark {
    @TempDir
    Path tmp;

    @Test
    void monitor_catchUpAndLiveTail_versusAppendRate() throws Exception {
        int n = Integer.getInteger("monitor.bench.entries", 20_000);
        int httpN = Integer.getInteger("monitor.bench.http", 2_000);
        int clients = Integer.getInteger("monitor.bench.clients", 64);
        int writers = 8;
        try (TestLog log = TestLog.start(tmp.resolve("log"), null)) {
            // Real hashedrekord bodies: 50 Fulcio-profile certificates (every 10th identity is off-list), each
            // signing distinct random digests.
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
            List<byte[]> proposed = new ArrayList<>();
            for (int i = 0; i < n + httpN; i++) {
                byte[] digest = new byte[32];
                random.nextBytes(digest);
                proposed.add(TestLog.proposedHashedRekord(keys.get(i % 50), pems.get(i % 50), digest));
            }
            List<CanonicalEntry> bulk = new ArrayList<>();
            for (byte[] p : proposed.subList(0, n)) {
                bulk.add(ProposedEntries.canonicalize(p));
            }

            // 1. The log engine's own append rate (no HTTP, bodies already verified): the upper bound of the log.
            double engineRate = appendInProcess(log, bulk, writers);

            // 2. Monitor catch-up: a fresh monitor checks all n entries.
            String allow = "identities:\n  - issuer: https://dex.internal\n    subject: release@example.com\n";
            try (MonitorService m = MonitorService.open(new MonitorService.Config(URI.create(log.url()),
                    log.verifier(), log.origin(), null, tmp.resolve("state"), Allowlist.parse(allow), null, null, 0,
                    null, new LogMonitor.Settings(Duration.ofMillis(100), null)))) {
                long t0 = System.nanoTime();
                long checked = 0;
                while (checked < n) {
                    checked += m.monitor.poll().checked();
                }
                double catchUp = n / ((System.nanoTime() - t0) / 1e9);
                assertEquals(n, m.store.entryCount());

                // 3. Live tail: the monitor polls every 100 ms while clients POST to the Rekor v1 API.
                m.start();
                long a0 = System.nanoTime();
                double httpRate = appendOverHttp(log, proposed.subList(n, n + httpN), clients);
                long appended = System.nanoTime();
                while (m.metrics.nextIndex.get() < n + httpN) {
                    Thread.sleep(5);
                }
                long done = System.nanoTime();
                double lagMs = (done - appended) / 1e6;
                long alerts = m.metrics.alerts(AlertType.UNLISTED_IDENTITY);
                String report = String.format(
                        "entries=%d (+%d over HTTP) cores=%d load-average=%s%n"
                                + "log engine append rate (in-process LogEngine.add, %d writers, H2, until integrated): %.0f entries/s%n"
                                + "monitor catch-up (fresh state; HTTP tiles, bundle proofs, decode, allowlist, H2): %.0f entries/s"
                                + " = %.2fx the engine's append rate%n"
                                + "log append rate over HTTP (POST /api/v1/log/entries, %d clients): %.0f entries/s%n"
                                + "live tail during those appends: caught up %.0f ms after the last append (%.0f s of appends)%n"
                                + "unlisted-identity alerts raised: %d (expected %d)%n",
                        n, httpN, Runtime.getRuntime().availableProcessors(), loadAverage(), writers, engineRate,
                        catchUp, catchUp / engineRate, clients, httpRate, lagMs, (appended - a0) / 1e9, alerts,
                        (long) (n + httpN) / 10);
                System.out.print(report);
                Files.writeString(Path.of("target", "monitor-benchmark.txt"), report);
                assertEquals((n + httpN) / 10, alerts);
            }
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static double appendInProcess(TestLog log, List<CanonicalEntry> entries, int writers) throws Exception {
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
                        } catch (PushbackException p) {
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

    static double appendOverHttp(TestLog log, List<byte[]> proposed, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        List<Future<Void>> fs = new ArrayList<>();
        for (int w = 0; w < clients; w++) {
            fs.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < proposed.size(); ) {
                    log.post(proposed.get(i), null);
                }
                return null;
            }));
        }
        for (Future<Void> f : fs) {
            f.get();
        }
        double rate = proposed.size() / ((System.nanoTime() - t0) / 1e9);
        pool.shutdown();
        return rate;
    }
}
