package dev.sigstack.tlog;

import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.rekor.TestKeys;
import java.io.IOException;
import java.security.KeyPair;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent Rekor clients over HTTP, each posting unique hashedrekord entries to {@code POST /api/v1/log/entries} in a loop until {@link #stop}, plus a poller that
 * fetches and verifies {@code /checkpoint}. Every 201 is recorded with its index; failures (the server being
 * killed, 503 while no process holds the lease) are counted and retried with new entries after a short pause.
 */
public final class AppendLoad {
    /** An acknowledged append: the logged body the 201 carried, its logIndex, and when it came (nanoTime). */
    public record Ack(byte[] leaf, long index, long ackedNanos) { }

    private final List<LogClient> writers;
    private final List<LogClient> readers;
    private final NoteVerifier verifier;
    private final String tag;
    private final int threads;
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<LogClient.SeenCheckpoint> checkpoints = new ConcurrentLinkedQueue<>();
    private final AtomicLong failures = new AtomicLong();
    private final ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
    private final List<Thread> running = new ArrayList<>();
    private volatile boolean stopped;

    /** Writers take turns over {@code writers}; the poller reads checkpoints from every one of {@code readers}. */
    AppendLoad(List<LogClient> writers, List<LogClient> readers, NoteVerifier verifier, String tag, int threads) {
        this.writers = List.copyOf(writers);
        this.readers = List.copyOf(readers);
        this.verifier = verifier;
        this.tag = tag;
        this.threads = threads;
    }

    AppendLoad start() {
        for (int t = 0; t < threads; t++) {
            int id = t;
            running.add(Thread.ofPlatform().name("append-" + tag + "-" + t).daemon().start(() -> appendLoop(id)));
        }
        running.add(Thread.ofPlatform().name("checkpoints-" + tag).daemon().start(this::pollLoop));
        return this;
    }

    private void appendLoop(int id) {
        KeyPair submitter = TestKeys.p256();
        byte[] pem = TestKeys.pem(submitter);
        long seq = 0;
        while (!stopped) {
            LogClient c = writers.get((int) (seq % writers.size()));
            // a unique artifact, with a little random padding
            byte[] artifact = (tag + "/" + id + "/" + seq++ + "/" + "x".repeat(ThreadLocalRandom.current().nextInt(64)))
                    .getBytes(StandardCharsets.UTF_8);
            String digest = HexFormat.of().formatHex(TestKeys.sha256(artifact));
            try {
                HashedRekords.Created created = c.createEntry(HashedRekords.proposed(submitter, pem, artifact));
                if (!new String(created.body(), StandardCharsets.UTF_8).contains(digest)) {
                    problems.add(new AssertionError("the 201 for " + digest + " logged another body"));
                }
                acks.add(new Ack(created.body(), created.logIndex(), System.nanoTime()));
            } catch (IOException | LogClient.AppendRejected e) {
                failures.incrementAndGet();
                pause(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pollLoop() {
        while (!stopped) {
            for (LogClient r : readers) {
                try {
                    checkpoints.add(r.checkpoint(verifier));
                } catch (IOException e) {
                    // the process is down
                } catch (AssertionError e) {
                    problems.add(e); // a checkpoint that does not verify
                } catch (InterruptedException e) {
                    return;
                }
            }
            pause(25);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until at least {@code n} appends were acknowledged in all, so that a kill after it is mid-load. */
    AppendLoad awaitAcks(int n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acks.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acks.size() + " of " + n + " appends acknowledged within " + timeout
                        + " (" + failures.get() + " failed)");
            }
            Thread.sleep(10);
        }
        return this;
    }

    /** Stops and waits for the clients; in-flight requests end with their answer or their connection's failure. */
    AppendLoad stop() throws InterruptedException {
        stopped = true;
        for (Thread t : running) {
            t.join(40_000);
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop");
            }
        }
        return this;
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<LogClient.SeenCheckpoint> checkpoints() {
        return List.copyOf(checkpoints);
    }

    /** Checkpoints that failed verification, and 201s for another body; the tests assert there are none. */
    List<Throwable> problems() {
        return List.copyOf(problems);
    }

    long failures() {
        return failures.get();
    }
}
