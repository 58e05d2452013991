package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.tlog.internal.Databases;
import dev.sigstack.tlog.internal.KeyFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on one PostgreSQL schema: two tlog-service processes, exactly one holds the sequencing lease, the
 * standby forwards writes to it, and when the holder is SIGKILLed the standby takes over and the log goes on.
 */
final class TlogFailoverTest {
    private static final String HOST = "failover.test";
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void append_holderKilledWhileStandbyForwards_standbyTakesOverAndLogStaysConsistent() throws Exception {
        String db = Databases.postgres();
        Path data = tmp.resolve("data"); // both processes read the same log key file
        KeyPair key = KeyFiles.loadOrCreateEcdsa(data.resolve("tlog-key.pem"));
        NoteVerifier verifier = NoteKeys.ecdsaVerifier(HOST, key.getPublic());
        List<AppendLoad.Ack> acks = new ArrayList<>();
        List<LogClient.SeenCheckpoint> checkpoints = new ArrayList<>();
        try (TlogProcess a = TlogProcess.start(db, data, HOST, "a").awaitReady(READY)) {
            LogClient la = new LogClient(a.url());
            awaitSequencer(la, true, Duration.ofSeconds(10));
            try (TlogProcess b = TlogProcess.start(db, data, HOST, "b").awaitReady(READY)) {
                LogClient lb = new LogClient(b.url());
                // exactly one holds the lease
                for (int i = 0; i < 4; i++) {
                    assertTrue(la.isSequencer(), "the first process holds the lease");
                    assertFalse(lb.isSequencer(), "the second process is a standby");
                    Thread.sleep(250);
                }
                // a hashedrekord write sent to the standby is forwarded to the holder
                KeyPair submitter = TestKeys.p256();
                byte[] pem = TestKeys.pem(submitter);
                HashedRekords.Created first = lb.createEntry(HashedRekords.proposed(submitter, pem,
                        "sent to the standby".getBytes(StandardCharsets.UTF_8)));
                long firstIndex = first.logIndex();
                acks.add(new AppendLoad.Ack(first.body(), firstIndex, System.nanoTime()));
                checkpoints.add(lb.awaitSize(firstIndex + 1, verifier, Duration.ofSeconds(10)));

                // load through the standby (forwarded), then SIGKILL the holder mid-load
                AppendLoad load = new AppendLoad(List.of(lb), List.of(la, lb), verifier, "failover", 4).start()
                        .awaitAcks(5, Duration.ofSeconds(60));
                Thread.sleep(300);
                long killedAt = System.nanoTime();
                assertEquals(137, a.kill(), "the holder died of SIGKILL");
                long tookOverAt = awaitSequencer(lb, true, TAKEOVER_LIMIT);
                int atTakeover = load.acks().size();
                load.awaitAcks(atTakeover + 5, Duration.ofSeconds(60)); // writes go on at the new holder
                load.stop();
                assertTrue(load.problems().isEmpty(), () -> "bad checkpoints or answers: " + load.problems());
                acks.addAll(load.acks());
                checkpoints.addAll(load.checkpoints());

                long maxBeforeKill = load.acks().stream().filter(x -> x.ackedNanos() < killedAt)
                        .mapToLong(AppendLoad.Ack::index).max().orElseThrow(() -> new AssertionError("no 201 before the kill"));
                List<AppendLoad.Ack> afterTakeover = load.acks().stream().filter(x -> x.ackedNanos() > tookOverAt).toList();
                assertFalse(afterTakeover.isEmpty(), "writes succeed after the takeover");
                assertTrue(afterTakeover.stream().allMatch(x -> x.index() > maxBeforeKill),
                        "indices continue after the takeover");
                System.out.printf("takeover %d ms after SIGKILL; %d acknowledged before, %d after; %d failed in between%n",
                        (tookOverAt - killedAt) / 1_000_000, load.acks().size() - afterTakeover.size(),
                        afterTakeover.size(), load.failures());

                // the dead holder comes back as a standby and forwards to the new holder
                try (TlogProcess a2 = TlogProcess.start(db, data, HOST, "a2").awaitReady(READY)) {
                    LogClient la2 = new LogClient(a2.url());
                    assertFalse(la2.isSequencer(), "the restarted process is a standby");
                    assertTrue(lb.isSequencer(), "the new holder keeps the lease");
                    HashedRekords.Created last = la2.createEntry(HashedRekords.proposed(submitter, pem,
                            "sent to the restarted standby".getBytes(StandardCharsets.UTF_8)));
                    long lastIndex = last.logIndex();
                    long maxAcked = acks.stream().mapToLong(AppendLoad.Ack::index).max().orElseThrow();
                    assertTrue(lastIndex > maxAcked, "index continues: " + lastIndex + " after " + maxAcked);
                    acks.add(new AppendLoad.Ack(last.body(), lastIndex, System.nanoTime()));
                    checkpoints.add(la2.awaitSize(lastIndex + 1, verifier, Duration.ofSeconds(10)));

                    // every acknowledged entry is there, and every checkpoint from either process is consistent
                    LogClient.SeenCheckpoint head = lb.awaitSize(lastIndex + 1, verifier, Duration.ofSeconds(10));
                    LogAudit.assertAcknowledgedEntriesPresent(la2, acks, head);
                    long pairs = LogAudit.assertAllConsistent(la2, checkpoints, head);
                    System.out.printf("%d acknowledged entries present in a tree of %d; %d pairs of checkpoints consistent%n",
                            acks.size(), head.size(), pairs);
                }
            }
        }
    }

    /** Polls health until {@code client} reports {@code holds}; returns the nanoTime it did. */
    private static long awaitSequencer(LogClient client, boolean holds, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (client.isSequencer() != holds) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(client.base() + " did not " + (holds ? "take" : "drop") + " the lease within "
                        + limit);
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }
}
