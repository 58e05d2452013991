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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a tlog-service process on embedded H2 in the middle of Rekor v1 appends, five times on one data
 * folder. Whatever H2 kept of its last commits, a restarted service never serves a store that lost an acknowledged
 * entry: either every entry acknowledged before the kill is there at its index, or the service refuses to start
 * with exit status 65 and the one line. (With H2 commits that are durable, it always starts.)
 */
final class TlogKillIntegrityTest {
    private static final String HOST = "kill-integrity.test";

    @TempDir
    Path tmp;

    @Test
    void restart_afterSigkillOnH2_servesEveryAcknowledgedEntryOrRefusesWith65() throws Exception {
        Path data = tmp.resolve("data");
        String db = Databases.h2(data);
        KeyPair key = KeyFiles.loadOrCreateEcdsa(data.resolve("tlog-key.pem"));
        NoteVerifier verifier = NoteKeys.ecdsaVerifier(HOST, key.getPublic());
        List<AppendLoad.Ack> acks = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            TlogProcess p = TlogProcess.start(db, data, HOST, "round" + round);
            try {
                try {
                    p.awaitReady(Duration.ofSeconds(60));
                } catch (IllegalStateException e) {
                    assertTrue(e.getMessage().startsWith("tlog process exited with " + LogIntegrityException.EXIT_CODE),
                            e.getMessage());
                    List<String> said = e.getMessage().lines()
                            .filter(l -> l.startsWith("tlog-service: log integrity check failed")).toList();
                    assertEquals(1, said.size(), e.getMessage());
                    System.out.printf("round %d: refused after %d acknowledged entries: %s%n", round, acks.size(),
                            said.getFirst());
                    return;
                }
                LogClient log = new LogClient(p.url());
                if (!acks.isEmpty()) {
                    long max = acks.stream().mapToLong(AppendLoad.Ack::index).max().orElseThrow();
                    LogClient.SeenCheckpoint head = log.awaitSize(max + 1, verifier, Duration.ofSeconds(30));
                    LogAudit.assertAcknowledgedEntriesPresent(log, acks, head);
                }
                AppendLoad load = new AppendLoad(List.of(log), List.of(log), verifier, "k" + round, 8).start()
                        .awaitAcks(3, Duration.ofSeconds(60));
                Thread.sleep(1000);
                assertEquals(137, p.kill(), "the service died of SIGKILL");
                load.stop();
                assertTrue(load.problems().isEmpty(), () -> "bad checkpoints or answers: " + load.problems());
                acks.addAll(load.acks());
                System.out.printf("round %d: %d acknowledged in all%n", round, acks.size());
            } finally {
                p.close();
            }
        }
        System.out.printf("every restart served all %d acknowledged entries%n", acks.size());
    }
}
