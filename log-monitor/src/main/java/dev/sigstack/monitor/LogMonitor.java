package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileLayout;
import java.io.IOException;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * Tails one log: each poll verifies the newest checkpoint (signature, then consistency with the last verified
 * one), then checks every entry from where it stopped up to that checkpoint, one entry bundle per transaction.
 */
final class LogMonitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LogMonitor.class.getName());

    /**
     * @param pollInterval time between polls
     * @param stallAfter raise a stall alert when no new checkpoint arrived for this long (null: never)
     * @param startAtHead on the very first run (no state yet), start checking at the log's current size instead
     *     of at index 0; the history before it is not checked
     */
    record Settings(Duration pollInterval, Duration stallAfter, boolean startAtHead) {
        Settings(Duration pollInterval, Duration stallAfter) {
            this(pollInterval, stallAfter, false);
        }

        Settings {
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("poll interval must be positive");
            }
            if (stallAfter != null && (stallAfter.isNegative() || stallAfter.isZero())) {
                throw new IllegalArgumentException("stall time must be positive");
            }
        }
    }

    /** What one poll did. */
    record PollResult(long treeSize, long checked, boolean newCheckpoint) { }

    private final TileClient client;
    private final CheckpointVerifier verifier;
    private final EntryChecker checker;
    private final MonitorStore store;
    private final AlertDispatcher alerts;
    private final MonitorMetrics metrics;
    private final Settings settings;
    private final Clock clock;
    private final Set<String> raised = new HashSet<>();
    private Instant lastNewCheckpoint;
    private boolean stallRaised;
    private volatile ScheduledExecutorService scheduler;
    private final ExecutorService committer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "log-monitor-commit");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "log-monitor-fetch");
        t.setDaemon(true);
        return t;
    });

    LogMonitor(TileClient client, CheckpointVerifier verifier, EntryChecker checker, MonitorStore store,
            AlertDispatcher alerts, MonitorMetrics metrics, Settings settings, Clock clock) {
        this.client = client;
        this.verifier = verifier;
        this.checker = checker;
        this.store = store;
        this.alerts = alerts;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        Instant started = clock.instant();
        Instant last;
        try {
            // A restart does not reset the stall clock: it runs from the last new checkpoint the state recorded.
            last = store.checkpointVerifiedAt().orElse(started);
        } catch (SQLException e) {
            last = started;
        }
        this.lastNewCheckpoint = last.isAfter(started) ? started : last;
    }

    /** Polls every {@code pollInterval} on a background thread until {@link #close()}. */
    void start() {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-monitor");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                poll();
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.SEVERE, "monitor poll failed; retrying next round", e);
            }
        }, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: verify the newest checkpoint, check new entries, deliver alerts. */
    synchronized PollResult poll() throws SQLException {
        Optional<VerifiedCheckpoint> previous = store.checkpoint();
        VerifiedCheckpoint target = previous.orElse(null);
        boolean fresh = false;
        String note = null;
        try {
            note = client.checkpoint();
            VerifiedCheckpoint cp = verifier.verify(note);
            if (previous.isEmpty() || !previous.get().sameTree(cp)) {
                if (previous.isPresent()) {
                    CheckpointVerifier.requireConsistent(previous.get(), cp, client);
                }
                if (previous.isEmpty() && settings.startAtHead()) {
                    skipTo(cp); // before the checkpoint is saved, so a failed skip is retried
                }
                store.saveCheckpoint(cp);
                target = cp;
                fresh = true;
                lastNewCheckpoint = clock.instant();
                stallRaised = false;
                metrics.checkpointsVerified.increment();
                metrics.lastNewCheckpointEpochSeconds.set(lastNewCheckpoint.getEpochSecond());
            }
        } catch (IOException e) {
            metrics.logReadErrors.increment();
            LOG.warning("cannot read the log's checkpoint: " + e.getMessage());
        } catch (LogMisbehaviorException e) {
            raiseOnce(e, previous.orElse(null), note);
            target = null; // never check entries against a tree the log cannot stand behind
        }
        checkStall();
        long checked = 0;
        if (target != null) {
            metrics.verifiedTreeSize.set(target.size());
            checked = checkEntries(target);
        }
        alerts.deliver();
        return new PollResult(target == null ? -1 : target.size(), checked, fresh);
    }

    private long checkEntries(VerifiedCheckpoint target) throws SQLException {
        CompactRange pos = store.position();
        metrics.nextIndex.set(pos.size());
        if (pos.size() > target.size()) {
            throw new SQLException("state says " + pos.size() + " entries were checked, but the verified tree has "
                    + target.size() + ": the state directory belongs to another log");
        }
        VerifiedBundles bundles = new VerifiedBundles(client, target);
        long checked = 0;
        // Three stages overlap: bundle k + 1 is fetched and proven on the fetcher thread while bundle k is checked
        // here, and bundle k - 1 commits on the committer thread. Commits stay in order: each waits for the last.
        Future<Integer> inFlight = null;
        long firstBundle = pos.size() / TileLayout.WIDTH;
        Future<List<byte[]>> fetching = pos.size() < target.size()
                ? fetcher.submit(() -> bundles.bundle(firstBundle)) : null;
        try {
            while (pos.size() < target.size()) {
                long next = pos.size();
                long n = next / TileLayout.WIDTH;
                List<byte[]> bundle;
                try {
                    bundle = fetched(fetching);
                    fetching = (n + 1) * TileLayout.WIDTH < target.size()
                            ? fetcher.submit(() -> bundles.bundle(n + 1)) : null;
                } catch (IOException e) {
                    fetching = null;
                    metrics.logReadErrors.increment();
                    LOG.warning("cannot read entry bundle " + n + ": " + e.getMessage());
                    return checked + await(inFlight);
                } catch (LogMisbehaviorException e) {
                    fetching = null;
                    checked += await(inFlight);
                    inFlight = null;
                    raiseOnce(e, target, null);
                    return checked;
                }
                CompactRange after = pos.copy();
                int first = (int) (next % TileLayout.WIDTH);
                for (int i = first; i < bundle.size(); i++) {
                    after.append(Rfc6962.leafHash(bundle.get(i)));
                }
                // Decoding certificates dominates the CPU cost and entries are independent: check them in parallel.
                List<byte[]> bodies = bundle;
                List<EntryChecker.Result> results = IntStream.range(first, bodies.size()).parallel()
                        .mapToObj(i -> checker.check(n * TileLayout.WIDTH + i, bodies.get(i))).toList();
                List<MonitorStore.CheckedEntry> entries = new ArrayList<>(results.size());
                List<Alert> found = new ArrayList<>();
                for (EntryChecker.Result r : results) {
                    entries.add(r.entry());
                    found.addAll(r.alerts());
                }
                if (after.size() == target.size() && !MessageDigest.isEqual(after.root(), target.rootHash())) {
                    checked += await(inFlight);
                    inFlight = null;
                    raiseOnce(new LogMisbehaviorException(AlertType.FORK, "the entries checked so far hash to "
                            + HexFormat.of().formatHex(after.root()) + ", but signed checkpoint " + target.size()
                            + " has root " + target.rootHex()), target, null);
                    return checked;
                }
                checked += await(inFlight);
                inFlight = committer.submit(() -> {
                    store.commitBatch(next, after, entries, found);
                    alerts.announce(found);
                    metrics.entriesChecked.add(entries.size());
                    metrics.nextIndex.set(after.size());
                    return entries.size();
                });
                pos = after;
            }
            checked += await(inFlight);
            inFlight = null;
            return checked;
        } finally {
            if (fetching != null) {
                fetching.cancel(true);
            }
            if (inFlight != null) {
                await(inFlight);
            }
        }
    }

    /** The result of a bundle fetch, with its failure unwrapped. */
    private static List<byte[]> fetched(Future<List<byte[]>> f) throws IOException, LogMisbehaviorException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogReadException("interrupted while reading an entry bundle", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof LogMisbehaviorException m) {
                throw m;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits for a batch commit; its failure becomes this poll's failure. */
    private static int await(Future<Integer> commit) throws SQLException {
        if (commit == null) {
            return 0;
        }
        try {
            return commit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while committing a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new SQLException("batch commit failed", e.getCause());
        }
    }

    /** Starts at {@code cp}'s size: the right edge of its tree, read from tiles and proven by its root. */
    private void skipTo(VerifiedCheckpoint cp) throws IOException, LogMisbehaviorException, SQLException {
        CompactRange pos = store.position();
        if (pos.size() != 0 || cp.size() == 0) {
            return;
        }
        TileHashReader reader = new TileHashReader(new CheckpointVerifier.CachedTiles(client, cp.size()));
        java.io.ByteArrayOutputStream nodes = new java.io.ByteArrayOutputStream();
        long start = 0;
        try {
            for (int bit = 63; bit >= 0; bit--) {
                long width = 1L << bit;
                if ((cp.size() & width) != 0) {
                    nodes.writeBytes(Proofs.subtreeHash(start, start + width, reader));
                    start += width;
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            throw new LogMisbehaviorException(AlertType.FORK, "tiles of tree " + cp.size() + " are incomplete: "
                    + e.getMessage(), e);
        }
        CompactRange edge = CompactRange.restore(cp.size(), nodes.toByteArray());
        if (!MessageDigest.isEqual(edge.root(), cp.rootHash())) {
            throw new LogMisbehaviorException(AlertType.FORK, "tiles of tree " + cp.size()
                    + " do not hash to its signed root " + cp.rootHex());
        }
        store.commitBatch(0, edge, List.of(), List.of());
        LOG.info("first run: starting at index " + cp.size() + "; the " + cp.size() + " earlier entries are not checked");
    }

    private void checkStall() throws SQLException {
        if (settings.stallAfter() == null || stallRaised) {
            return;
        }
        Duration quiet = Duration.between(lastNewCheckpoint, clock.instant());
        if (quiet.compareTo(settings.stallAfter()) > 0) {
            stallRaised = true;
            ObjectNode d = JsonNodeFactory.instance.objectNode();
            d.put("lastNewCheckpoint", lastNewCheckpoint.toString());
            d.put("stallAfterSeconds", settings.stallAfter().toSeconds());
            alerts.raise(List.of(Alert.ofLog(AlertType.STALL, "no new checkpoint from " + client.base() + " for "
                    + quiet.toSeconds() + " s (limit " + settings.stallAfter().toSeconds() + " s)", d)));
        }
    }

    /** Raises a log-level alert once per distinct offending checkpoint, however many polls see it. */
    private void raiseOnce(LogMisbehaviorException e, VerifiedCheckpoint previous, String offendingNote)
            throws SQLException {
        String key = e.type() + ":" + (offendingNote != null ? offendingNote : e.getMessage());
        if (!raised.add(key)) {
            return;
        }
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        if (previous != null) {
            d.put("verifiedCheckpoint", previous.note());
        }
        if (offendingNote != null) {
            d.put("servedCheckpoint", offendingNote);
        }
        alerts.raise(List.of(Alert.ofLog(e.type(), e.getMessage(), d)));
    }

    /** Stops polling, waiting for a poll in progress to finish its current batch. */
    @Override
    public void close() {
        ScheduledExecutorService s = scheduler;
        if (s != null) {
            s.shutdown();
            try {
                if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        committer.shutdown();
        fetcher.shutdownNow();
    }
}
