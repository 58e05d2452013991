package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.tlog.internal.BlackHoleProxy;
import dev.sigstack.tlog.internal.Databases;
import dev.sigstack.tlog.internal.Engines;
import dev.sigstack.tlog.internal.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease failover when the holder is not dead but gone: its PostgreSQL traffic black-holed (no FIN, no RST), or its
 * JVM frozen with SIGSTOP. The server keeps such a holder's sessions open (TCP keepalive would take hours, and a frozen
 * process's kernel answers it anyway), so the standby must take over on the lease's expiry: within the lease's time to
 * live and a poll. The old holder stops sequencing, writes nothing after the takeover (fencing), and answers its
 * in-flight requests with 500/503; every 201 is in the log at its index, and no index is given twice.
 */
final class LeaseFailoverTest {
    private static final String HOST = "lease.test";
    /** The target for the default settings. */
    private static final Duration TARGET = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    /** One POST and what came of it. */
    record Outcome(String target, int status, HashedRekords.Created created, long sentNanos, long doneNanos) { }

    /** Threads that append hashedrekord entries to whatever {@code target} says, one request at a time each. */
    private static final class Writers {
        private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;

        Writers(String tag, int n, Supplier<LogClient> target) {
            for (int t = 0; t < n; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().name("writer-" + tag + "-" + t).daemon().start(() -> {
                    KeyPair submitter = TestKeys.p256();
                    byte[] pem = TestKeys.pem(submitter);
                    for (long seq = 0; !stopped; seq++) {
                        LogClient c = target.get();
                        byte[] artifact = (tag + "/" + id + "/" + seq).getBytes(StandardCharsets.UTF_8);
                        long sent = System.nanoTime();
                        try {
                            HashedRekords.Created created =
                                    c.createEntry(HashedRekords.proposed(submitter, pem, artifact));
                            outcomes.add(new Outcome(c.base(), 201, created, sent, System.nanoTime()));
                        } catch (LogClient.AppendRejected e) {
                            outcomes.add(new Outcome(c.base(), e.status, null, sent, System.nanoTime()));
                            pause(50);
                        } catch (IOException e) {
                            outcomes.add(new Outcome(c.base(), -1, null, sent, System.nanoTime()));
                            pause(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }
        }

        /** Asks the threads to stop after their current request, and waits for them. */
        void stop(Duration limit) throws InterruptedException {
            stopped = true;
            long deadline = System.nanoTime() + limit.toNanos();
            for (Thread t : threads) {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (t.isAlive()) {
                    throw new AssertionError(t.getName() + " did not finish its request within " + limit);
                }
            }
        }

        List<Outcome> outcomes() {
            return List.copyOf(outcomes);
        }

        long created() {
            return outcomes.stream().filter(o -> o.status() == 201).count();
        }

        void awaitCreated(long n, Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (created() < n) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + created() + " of " + n + " appends acknowledged within " + limit
                            + ": " + outcomes.stream().map(Outcome::status).toList());
                }
                Thread.sleep(10);
            }
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void append_holdersDatabaseTrafficBlackHoled_standbyTakesOverWithinTheDefaultTtlAndNoIndexIsGivenTwice()
            throws Exception {
        String db = Databases.postgres();
        Duration ttl = Engines.defaultLeaseTtl(); // the default settings: the 30 s target applies
        Path data = tmp.resolve("data");
        NoteVerifier verifier = verifier(data);
        TlogServer.Config base = TlogServer.Config.defaults(data).withHostname(HOST).withApi(TlogServer.Api.REKOR_V1);
        try (BlackHoleProxy proxy = BlackHoleProxy.in(db)) {
            TlogServer holder = TlogServer.start(base.withJdbcUrl(proxy.route(db)), null);
            try (TlogServer standby = TlogServer.start(base.withJdbcUrl(db), null)) {
                LogClient h = new LogClient("http://127.0.0.1:" + holder.port());
                LogClient s = new LogClient("http://127.0.0.1:" + standby.port());
                assertTrue(holder.holdsLease(), "the first process holds the lease");
                assertFalse(standby.holdsLease(), "the second is a standby");

                Writers toHolder = new Writers("holder", 4, () -> h);
                toHolder.awaitCreated(20, Duration.ofSeconds(60));
                proxy.blackHole();
                long cut = System.nanoTime();

                long holderDropped = 0;
                long tookOver;
                long deadline = cut + ttl.plusSeconds(10).toNanos();
                while (true) {
                    boolean standbyHolds = standby.holdsLease();
                    if (holderDropped == 0 && !holder.holdsLease()) {
                        holderDropped = System.nanoTime();
                    }
                    if (standbyHolds) {
                        tookOver = System.nanoTime();
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, "no takeover within " + ttl.plusSeconds(10));
                    Thread.sleep(20);
                }
                long takeoverMs = (tookOver - cut) / 1_000_000;
                long droppedMs = (holderDropped - cut) / 1_000_000;
                assertTrue(holderDropped != 0 && holderDropped <= tookOver,
                        "the old holder stopped sequencing before the standby took over");
                assertTrue(takeoverMs <= ttl.toMillis() + 3000,
                        "takeover within the ttl, a poll and 2 s for a loaded machine: " + takeoverMs);
                assertTrue(takeoverMs <= TARGET.toMillis(), "takeover within the 30 s target: " + takeoverMs);

                Writers toStandby = new Writers("standby", 4, () -> s);
                toStandby.awaitCreated(20, Duration.ofSeconds(60));
                toStandby.stop(Duration.ofSeconds(40));
                // the old holder's requests in flight at the cut end (its statements hit the pool's socket timeout),
                // and each writer sends it at least one more, which it must refuse: it no longer sequences
                long more = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (toHolder.outcomes().stream().filter(o -> o.sentNanos() > cut).count() < 4) {
                    assertTrue(System.nanoTime() < more, () -> "the cut-off holder answered no request sent after the "
                            + "cut within 60 s: " + statuses(toHolder.outcomes()));
                    Thread.sleep(50);
                }
                toHolder.stop(Duration.ofSeconds(40));
                List<Outcome> fromHolder = toHolder.outcomes();
                List<Outcome> afterCut = fromHolder.stream().filter(o -> o.sentNanos() > cut).toList();
                assertTrue(afterCut.stream().noneMatch(o -> o.status() == 201),
                        () -> "the cut-off holder acknowledged a write sent after the cut: " + afterCut);
                assertTrue(fromHolder.stream().allMatch(o -> Set.of(201, 500, 503, -1).contains(o.status())),
                        () -> "answers other than 201/500/503/timeout: " + statuses(fromHolder));

                List<Outcome> all = new ArrayList<>(fromHolder);
                all.addAll(toStandby.outcomes());
                audit(s, verifier, all, db);
                List<Outcome> inFlight = fromHolder.stream().filter(o -> o.sentNanos() < cut && o.doneNanos() > cut)
                        .toList();
                System.out.printf("black hole: holder stopped sequencing %d ms and the standby took over %d ms "
                        + "after the cut (ttl %s); %d 201s from the holder; its answers to requests in flight at the "
                        + "cut: %s; to requests sent after the cut: %s; %d 201s from the new holder%n", droppedMs,
                        takeoverMs, ttl, fromHolder.stream().filter(o -> o.status() == 201).count(), statuses(inFlight),
                        statuses(afterCut), toStandby.created());
            } finally {
                proxy.close(); // ends the black-holed connections, so that the holder closes at once
                holder.close();
            }
        }
    }

    @Test
    void append_holderFrozenWithSigstop_standbyTakesOverAndTheThawedHolderWritesNothing() throws Exception {
        String db = Databases.postgres();
        Duration ttl = Duration.ofSeconds(6); // configured (tlog.lease.ttl-seconds) to keep the test short
        Path data = tmp.resolve("data");
        NoteVerifier verifier = verifier(data);
        List<String> jvm = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Dtlog.lease.ttl-seconds=" + ttl.toSeconds());
        try (TlogProcess holder = TlogProcess.start(db, data, HOST, "holder", jvm).awaitReady(Duration.ofSeconds(60));
                // its own state file, as a replica in its own pod has: a frozen holder may hold the lock of a shared one
                TlogServer standby = TlogServer.start(TlogServer.Config.defaults(data).withHostname(HOST)
                        .withApi(TlogServer.Api.REKOR_V1).withJdbcUrl(db).withLeaseTtl(ttl), null,
                        tmp.resolve("standby-state"))) {
            LogClient h = new LogClient(holder.url());
            LogClient s = new LogClient("http://127.0.0.1:" + standby.port());
            assertTrue(h.isSequencer(), "the process started first holds the lease");
            assertFalse(standby.holdsLease(), "the second is a standby");

            Writers toHolder = new Writers("holder", 4, () -> h);
            toHolder.awaitCreated(20, Duration.ofSeconds(60));
            signal("STOP", holder.pid());
            long frozen = System.nanoTime();
            long tookOver = awaitHeld(standby, ttl.plusSeconds(10));
            long takeoverMs = (tookOver - frozen) / 1_000_000;
            assertTrue(takeoverMs <= ttl.toMillis() + 3000,
                    "takeover within the ttl, a poll and 2 s for a loaded machine: " + takeoverMs);

            // the log goes on at the new holder; then everything is integrated and the store is at rest
            Writers toStandby = new Writers("standby", 2, () -> s);
            toStandby.awaitCreated(10, Duration.ofSeconds(60));
            toStandby.stop(Duration.ofSeconds(40));
            String before = awaitAtRest(db, Duration.ofSeconds(20));

            toHolder.stopped = true; // the writers send nothing new once their in-flight request is answered
            signal("CONT", holder.pid());
            long thawed = System.nanoTime();
            toHolder.stop(Duration.ofSeconds(40));
            long answeredMs = (System.nanoTime() - thawed) / 1_000_000;
            Thread.sleep(2000); // time for the thawed holder's sequencer and integrator to try whatever they would
            assertEquals(before, awaitAtRest(db, Duration.ofSeconds(20)),
                    "the thawed holder wrote after the takeover");
            assertFalse(h.isSequencer(), "the thawed holder knows it is no longer the sequencer");

            List<Outcome> fromHolder = toHolder.outcomes();
            List<Outcome> inFlight = fromHolder.stream().filter(o -> o.sentNanos() < frozen && o.doneNanos() > thawed)
                    .toList();
            assertFalse(inFlight.isEmpty(), "requests were in flight at the freeze");
            assertTrue(inFlight.stream().allMatch(o -> Set.of(201, 500, 503).contains(o.status())),
                    () -> "in-flight requests must end with 201 (committed before the freeze), 500 or 503: "
                            + statuses(inFlight));
            List<Outcome> all = new ArrayList<>(fromHolder);
            all.addAll(toStandby.outcomes());
            long committedBefore = Long.parseLong(before.split(" ")[0]);
            assertTrue(inFlight.stream().filter(o -> o.status() == 201)
                            .allMatch(o -> o.created().logIndex() < committedBefore),
                    "an in-flight 201 is for an entry committed before the takeover");
            audit(s, verifier, all, db);
            System.out.printf("SIGSTOP: standby took over %d ms after the freeze (ttl %s); in-flight requests at the "
                    + "freeze answered %s within %d ms of SIGCONT; store unchanged after the thaw (%s)%n",
                    takeoverMs, ttl, statuses(inFlight), answeredMs, before);
        }
    }

    private static NoteVerifier verifier(Path data) throws Exception {
        KeyPair key = KeyFiles.loadOrCreateEcdsa(data.resolve("tlog-key.pem"));
        return NoteKeys.ecdsaVerifier(HOST, key.getPublic());
    }

    private static String statuses(List<Outcome> outcomes) {
        return outcomes.stream().map(o -> Integer.toString(o.status())).sorted().toList().toString();
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
    }

    private static long awaitHeld(TlogServer server, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!server.holdsLease()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the standby did not take over within " + limit);
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }

    /**
     * Waits until every sequenced entry is integrated; returns the store's state then: next index, entry count,
     * integrated size, root, lease token, as one string.
     */
    private static String awaitAtRest(String db, Duration limit) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT s.next_index, (SELECT COUNT(*) FROM entries e "
                            + "WHERE e.log = s.log), l.integrated_size, encode(l.root_hash, 'hex'), "
                            + "(SELECT epoch FROM leases x WHERE x.log = s.log) "
                            + "FROM log_sequence s JOIN log_state l ON l.log = s.log")) {
                assertTrue(rs.next(), "one log");
                String state = rs.getLong(1) + " entries=" + rs.getLong(2) + " integrated=" + rs.getLong(3)
                        + " root=" + rs.getString(4) + " epoch=" + rs.getLong(5);
                assertEquals(rs.getLong(1), rs.getLong(2), "entries 0..next_index-1, each once");
                if (rs.getLong(1) == rs.getLong(3)) {
                    return state;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the log was not integrated within " + limit);
            }
            Thread.sleep(50);
        }
    }

    /** Every 201 is in the log at its index with its body (LogAudit), no index twice, and the store is contiguous. */
    private static void audit(LogClient log, NoteVerifier verifier, List<Outcome> outcomes, String db)
            throws Exception {
        List<AppendLoad.Ack> acks = outcomes.stream().filter(o -> o.status() == 201)
                .map(o -> new AppendLoad.Ack(o.created().body(), o.created().logIndex(), o.doneNanos())).toList();
        Set<Long> indices = new HashSet<>();
        for (AppendLoad.Ack a : acks) {
            assertTrue(indices.add(a.index()), "two 201s for index " + a.index());
        }
        String state = awaitAtRest(db, Duration.ofSeconds(20));
        long size = Long.parseLong(state.split(" ")[0]);
        LogClient.SeenCheckpoint head = log.awaitSize(size, verifier, Duration.ofSeconds(20));
        LogAudit.assertAcknowledgedEntriesPresent(log, acks, head);
        assertEquals(size, head.size(), "the served head covers the whole store");
    }
}
