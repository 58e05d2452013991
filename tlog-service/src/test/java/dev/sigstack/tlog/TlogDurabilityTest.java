package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.tlog.internal.Databases;
import dev.sigstack.tlog.internal.KeyFiles;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability on the private PostgreSQL: hashedrekord appends over HTTP (the Rekor v1 API) to a tlog-service process, SIGKILL mid-load (of the
 * service, or of the PostgreSQL postmaster), restart, and check that every 201 survived at its index and that
 * every checkpoint seen before and after is consistent with every other.
 */
final class TlogDurabilityTest {
    private static final String HOST = "durability.test";
    private static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void append_serviceKilledMidLoadTenTimes_acknowledgedEntriesSurviveAndCheckpointsConsistent() throws Exception {
        String db = Databases.postgres();
        run(db, 10, 6);
    }

    @Test
    void append_postgresKilledMidLoadThreeTimes_acknowledgedEntriesSurviveAndCheckpointsConsistent() throws Exception {
        Path data = tmp.resolve("data");
        KeyPair key = KeyFiles.loadOrCreateEcdsa(data.resolve("tlog-key.pem"));
        NoteVerifier verifier = NoteKeys.ecdsaVerifier(HOST, key.getPublic());
        List<AppendLoad.Ack> acks = new ArrayList<>();
        List<LogClient.SeenCheckpoint> checkpoints = new ArrayList<>();
        Random random = new Random(7);
        try (PrivatePostgres pg = PrivatePostgres.create();
                TlogProcess p = TlogProcess.start(pg.jdbcUrl(), data, HOST, "service").awaitReady(READY)) {
            LogClient log = new LogClient(p.url());
            for (int round = 0; round < 3; round++) {
                AppendLoad load = new AppendLoad(List.of(log), List.of(log), verifier, "pg" + round, 6).start()
                        .awaitAcks(3, Duration.ofSeconds(60));
                Thread.sleep(100 + random.nextInt(500));
                int before = load.acks().size();
                pg.killPostmaster();
                Thread.sleep(300); // the service sees its connections fail
                pg.start();
                // the same service process recovers: reconnects, takes the lease again and acknowledges new writes
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (load.acks().size() <= before + 5) {
                    assertTrue(System.nanoTime() < deadline, "no write succeeded within 30 s of the restart:\n"
                            + p.tail());
                    Thread.sleep(50);
                }
                load.stop();
                assertTrue(load.problems().isEmpty(), () -> "bad checkpoints or answers: " + load.problems());
                assertTrue(before > 0, "round " + round + " acknowledged entries before the kill");
                acks.addAll(load.acks());
                checkpoints.addAll(load.checkpoints());
                System.out.printf("postgres round %d: %d acknowledged (%d before the kill), %d failed%n", round,
                        load.acks().size(), before, load.failures());
            }
            long max = acks.stream().mapToLong(AppendLoad.Ack::index).max().orElseThrow();
            LogClient.SeenCheckpoint head = log.awaitSize(max + 1, verifier, Duration.ofSeconds(30));
            LogAudit.assertAcknowledgedEntriesPresent(log, acks, head);
            long pairs = LogAudit.assertAllConsistent(log, checkpoints, head);
            System.out.printf("postgres kills: %d acknowledged entries present in a tree of %d; %d pairs consistent%n",
                    acks.size(), head.size(), pairs);
        }
    }

    /** The rounds: start, load, SIGKILL mid-load, and after each restart check what the previous round saw. */
    private void run(String db, int rounds, int clients) throws Exception {
        Path data = tmp.resolve("data");
        KeyPair key = KeyFiles.loadOrCreateEcdsa(data.resolve("tlog-key.pem"));
        NoteVerifier verifier = NoteKeys.ecdsaVerifier(HOST, key.getPublic());
        Random random = new Random(42);
        List<AppendLoad.Ack> acks = new ArrayList<>();
        List<LogClient.SeenCheckpoint> checkpoints = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            try (TlogProcess p = TlogProcess.start(db, data, HOST, "round" + round).awaitReady(READY)) {
                LogClient log = new LogClient(p.url());
                if (round > 0) {
                    // everything acknowledged before the last kill is back, at its index
                    long max = acks.stream().mapToLong(AppendLoad.Ack::index).max().orElse(-1);
                    LogClient.SeenCheckpoint head = log.awaitSize(max + 1, verifier, Duration.ofSeconds(30));
                    LogAudit.assertAcknowledgedEntriesPresent(log, acks, head);
                    checkpoints.add(head);
                }
                AppendLoad load = new AppendLoad(List.of(log), List.of(log), verifier, "r" + round, clients).start()
                        .awaitAcks(3, Duration.ofSeconds(60));
                long before = acks.size();
                Thread.sleep(100 + random.nextInt(500));
                int status = p.kill();
                assertEquals(137, status, "the service died of SIGKILL (128 + 9)");
                load.stop();
                assertTrue(load.problems().isEmpty(), () -> "bad checkpoints or answers: " + load.problems());
                assertTrue(!load.acks().isEmpty(), "round " + round + " acknowledged entries before the kill");
                acks.addAll(load.acks());
                checkpoints.addAll(load.checkpoints());
                System.out.printf("round %d: %d acknowledged, %d failed or cut off, %d checkpoints seen%n", round,
                        acks.size() - before, load.failures(), load.checkpoints().size());
            }
        }
        try (TlogProcess p = TlogProcess.start(db, data, HOST, "final").awaitReady(READY)) {
            LogClient log = new LogClient(p.url());
            long max = acks.stream().mapToLong(AppendLoad.Ack::index).max().orElseThrow();
            LogClient.SeenCheckpoint head = log.awaitSize(max + 1, verifier, Duration.ofSeconds(30));
            LogAudit.assertAcknowledgedEntriesPresent(log, acks, head);
            long pairs = LogAudit.assertAllConsistent(log, checkpoints, head);
            assertTrue(pairs > rounds, "consistency was checked across the kills");
            System.out.printf("%d acknowledged entries all present in a tree of %d; %d checkpoints, %d pairs consistent%n",
                    acks.size(), head.size(), checkpoints.size() + 1, pairs);
        }
    }
}
