package dev.sigstack.tlog.internal;

import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteFormatException;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tiles.EntryBundle;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileIntegrator;
import dev.sigstack.core.tiles.TileLayout;
import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogIntegrityException;
import dev.sigstack.tlog.PushbackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The log engine over {@link JdbcLogStore}. Life of a leaf:
 * <ol>
 *   <li>{@link #add} puts the entry on a bounded queue; when the queue is full the caller gets a
 *       {@link PushbackException} (503 with Retry-After) instead of an ever-growing queue.</li>
 *   <li>The sequencer thread drains up to {@code batchSize} entries and commits them in one transaction with
 *       their indices and index keys; only then does {@code add} return.</li>
 *   <li>The integrator thread reads the sequenced-but-unintegrated entries, extends the tiles and entry
 *       bundles with {@link TileIntegrator}, signs a checkpoint, and commits all of it in one transaction.
 *       Waiters in {@link #awaitIntegrated} are then released.</li>
 * </ol>
 * Sequencing and integration run only while {@code isSequencer} says this process holds the lease; otherwise
 * the engine serves reads from the store as other processes write it.
 *
 * <p>Promises are kept before they are made. Before the engine serves or sequences anything, {@link IntegrityCheck}
 * checks that the store holds everything published and acknowledged. The next index acknowledged and the newest
 * checkpoint published are recorded in {@link PublishedState} (when given), synced, after the store committed them
 * and before {@code add} returns or the checkpoint is served. While running, a store whose next index or checkpoint
 * went back below what this process promised halts the engine: no more sequencing or integration, writes get 503.
 */
final class TiledLogEngine implements LogEngine {
    private static final Logger LOG = Logger.getLogger(TiledLogEngine.class.getName());

    /**
     * Tunables with defaults in code.
     *
     * @param linger how long the sequencer waits for more entries when its batch is small and the one before had
     *     company (concurrent writers): fewer, larger transactions under load; a lone writer never waits
     * @param integratePace the least time between the starts of two small integrations (under {@link #PACE_BELOW}
     *     entries) while at least {@link #PACE_WAITERS} callers wait in {@link #awaitIntegrated}: under load each
     *     integration then covers more entries, so the partial tiles, the checkpoint signature and the integration
     *     transaction are paid for less often; a few writers are never paced
     */
    record Options(int maxPending, int batchSize, int integrateChunk, Duration integrateInterval,
            Duration retryAfter, Duration linger, Duration integratePace) {
        static Options defaults() {
            // pace and linger measured on 2 cores with PostgreSQL, 128 writers (docs/benchmarks.md): 2,235-2,266
            // entries/s with 10 ms and 2 ms, 2,322-2,482 with 25 ms and 4 ms, 1,921 with 50 ms (128 writers no
            // longer kept the CPUs busy); integrating and sequencing at once: 1,747
            return new Options(8192, 512, 4096, Duration.ofMillis(20), Duration.ofSeconds(1), Duration.ofMillis(4),
                    Duration.ofMillis(25));
        }
    }

    private final JdbcLogStore store;
    private final String origin;
    private final NoteSigner signer;
    private final Options options;
    private final Clock clock;
    private final BooleanSupplier isSequencer;
    private final BlockingQueue<Pending> queue;
    private final Object published = new Object();
    /** Wakes the integrator; {@code workPending} (guarded by it) keeps a wake-up from being lost mid-round. */
    private final Object work = new Object();
    private boolean workPending;
    private final Thread sequencer;
    private final Thread integrator;
    private final AtomicLong appended = new AtomicLong();
    private final TileCache tiles = new TileCache(32L << 20);
    /**
     * Leaf data of entries this process committed and has not yet integrated past, by index, from the start of the
     * entry bundle being filled: the integrator hashes them and builds full bundles without reading them back.
     * Only committed entries go in (an index once committed never changes); an index missing here is read from
     * the store. Bounded by {@link #MAX_RECENT}: beyond it (integration stalled) the integrator reads the store.
     */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, byte[]> recent =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final int MAX_RECENT = 1 << 14;
    /** An integration of fewer entries than this waits out {@link Options#integratePace()} before the next. */
    static final int PACE_BELOW = 256;
    /** Integrations are paced only while at least this many callers wait for one. */
    static final int PACE_WAITERS = 16;
    /** Callers waiting in {@link #awaitIntegrated} (written under {@code published}). */
    private volatile int waiting;
    /** A sequencer batch of fewer entries than this waits up to {@link Options#linger()} for more. */
    static final int LINGER_BELOW = 64;
    /** Entries the last integration round covered (integrator thread only). */
    private long lastRound;
    /** Hashes of complete subtrees that are not stored in tiles (heights not a multiple of 8), by height/index. */
    private final java.util.concurrent.ConcurrentHashMap<Long, byte[]> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_NODES = 1 << 15;
    /** Callers of {@link #awaitIntegrated} by index, so that a publish wakes only the ones it covers. */
    private final java.util.PriorityQueue<Waiter> waiters =
            new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(Waiter::index));
    private volatile PublishedCheckpoint current;
    private volatile boolean closed;
    /** The copy of what was promised outside the store, or null (tests of the engine alone). */
    private final PublishedState promises;
    /**
     * The next index after what this process's sequencer committed (or the store's at start): the store's next
     * index never goes below it. Callers learn their indexes once the state file holds it (the promiser thread).
     */
    private volatile long acknowledged;
    /** Batches the store committed, on their way to the state file before their callers are answered. */
    private final BlockingQueue<Committed> committed = new ArrayBlockingQueue<>(64);
    /** Records committed batches in the state file, many per sync, then answers their callers; null without a file. */
    private final Thread promiser;
    /** Set when the store went back below a promise while running: the engine no longer writes. */
    private volatile LogIntegrityException halted;

    private record Pending(NewEntry entry, CompletableFuture<long[]> result) { }

    /** A batch the store committed: the next index after it, its callers, their results and the time assigned. */
    private record Committed(long next, List<Pending> batch, long[] result, long time) { }

    private record Waiter(long index, CompletableFuture<PublishedCheckpoint> released) { }

    TiledLogEngine(JdbcLogStore store, String origin, NoteSigner signer, Options options, Clock clock,
            BooleanSupplier isSequencer) throws SQLException {
        this(store, origin, signer, options, clock, isSequencer, null);
    }

    /**
     * Opens the log: creates it when new, runs the {@link IntegrityCheck}, then starts the sequencer and integrator.
     *
     * @param promises the record of what the log promised, kept outside the store; null: the store alone is checked
     * @throws LogIntegrityException when the store holds less than was published or acknowledged
     */
    TiledLogEngine(JdbcLogStore store, String origin, NoteSigner signer, Options options, Clock clock,
            BooleanSupplier isSequencer, PublishedState promises) throws SQLException {
        this.store = store;
        this.origin = origin;
        this.signer = signer;
        this.options = options;
        this.clock = clock;
        this.isSequencer = isSequencer;
        this.queue = new ArrayBlockingQueue<>(options.maxPending());
        String empty = sign(0, Rfc6962.emptyRoot());
        store.ensureLog(origin, Rfc6962.emptyRoot(), empty);
        this.promises = promises;
        JdbcLogStore.State checked;
        try {
            checked = checkOrRepair();
            if (promises != null) {
                // a first start with the file (or a store ahead of it): what the store holds is now promised
                promises.record(new PublishedState.Promise(checked.nextIndex(), checked.integratedSize(),
                        checked.rootHash(), checked.checkpoint()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the log state file failed: " + e.getMessage(), e);
        }
        this.acknowledged = checked.nextIndex();
        refresh();
        this.promiser = promises == null ? null
                : Thread.ofPlatform().name("promiser-" + origin).daemon().start(this::promiseLoop);
        this.sequencer = Thread.ofPlatform().name("sequencer-" + origin).daemon().start(this::sequenceLoop);
        this.integrator = Thread.ofPlatform().name("integrator-" + origin).daemon().start(this::integrateLoop);
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public Sequenced add(NewEntry entry) throws DuplicateEntryException, PushbackException {
        if (closed) {
            throw new PushbackException("log is shutting down", options.retryAfter());
        }
        LogIntegrityException stop = halted;
        if (stop != null) {
            throw new PushbackException(stop.getMessage(), options.retryAfter());
        }
        if (!isSequencer.getAsBoolean()) {
            throw new PushbackException("this replica does not hold the sequencing lease", options.retryAfter());
        }
        Pending p = new Pending(entry, new CompletableFuture<>());
        if (!queue.offer(p)) {
            throw new PushbackException("sequencer queue is full (" + options.maxPending() + " pending)",
                    options.retryAfter());
        }
        long[] sequenced;
        try {
            sequenced = p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushbackException("interrupted while sequencing", options.retryAfter());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Lease.LeaseLostException) { // nothing was written: the client may retry
                throw new PushbackException(e.getCause().getMessage(), options.retryAfter());
            }
            throw new IllegalStateException("sequencing failed: " + e.getCause().getMessage(), e.getCause());
        }
        if (sequenced[0] < 0) {
            throw new DuplicateEntryException(-sequenced[0] - 1);
        }
        return new Sequenced(sequenced[0], sequenced[1]);
    }

    private void sequenceLoop() {
        List<Pending> batch = new ArrayList<>(options.batchSize());
        int lastBatch = 0;
        while (!closed) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, options.batchSize() - 1);
                if (lastBatch > 1 && batch.size() < LINGER_BELOW && !options.linger().isZero()) {
                    long until = System.nanoTime() + options.linger().toNanos();
                    long left;
                    while (batch.size() < LINGER_BELOW && (left = until - System.nanoTime()) > 0) {
                        Pending more = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (more == null) {
                            break;
                        }
                        batch.add(more);
                        queue.drainTo(batch, options.batchSize() - batch.size());
                    }
                }
                lastBatch = batch.size();
                List<NewEntry> entries = new ArrayList<>(batch.size());
                batch.forEach(p -> entries.add(p.entry()));
                try {
                    if (!isSequencer.getAsBoolean()) { // lost the lease while these waited: refuse, write nothing
                        throw new Lease.LeaseLostException("this replica lost the sequencing lease of " + origin);
                    }
                    long now = clock.millis();
                    long[] result = new long[batch.size()];
                    Exception[] refused = new Exception[batch.size()];
                    sequenceApart(entries, 0, entries.size(), now, result, refused);
                    long next = acknowledged;
                    for (int i = 0; i < result.length; i++) {
                        if (refused[i] == null) {
                            next = Math.max(next, result[i] + 1);
                        }
                    }
                    acknowledged = next;
                    Map.Entry<Long, byte[]> oldest = recent.firstEntry(); // (size() would walk the map)
                    for (int i = 0; i < batch.size(); i++) {
                        if (refused[i] == null && result[i] >= 0
                                && (oldest == null || result[i] - oldest.getKey() < MAX_RECENT)) {
                            recent.put(result[i], entries.get(i).leafData());
                        }
                    }
                    long added = 0;
                    for (int i = 0; i < batch.size(); i++) {
                        if (refused[i] != null) {
                            // answered at once; answer() below leaves a completed future as it is
                            batch.get(i).result().completeExceptionally(refused[i]);
                        } else {
                            added += result[i] >= 0 ? 1 : 0;
                        }
                    }
                    appended.addAndGet(added);
                    synchronized (work) {
                        workPending = true;
                        work.notifyAll(); // wake the integrator (and only it)
                    }
                    if (promiser == null) {
                        answer(batch, result, now);
                    } else {
                        // the state file is synced on another thread while the next batch commits: the two syncs
                        // overlap instead of adding up, and one file sync covers every batch committed meanwhile
                        Committed c = new Committed(next, List.copyOf(batch), result, now);
                        try {
                            committed.put(c); // bounded: a stalled disk stops the sequencer, and then add() pushes back
                        } catch (InterruptedException e) {
                            c.batch().forEach(p -> p.result().completeExceptionally(
                                    new IllegalStateException("log closed before the entry was recorded")));
                            return;
                        }
                    }
                } catch (LogIntegrityException e) {
                    halt(e);
                    batch.forEach(p -> p.result().completeExceptionally(e));
                } catch (SQLException | RuntimeException e) {
                    LOG.log(Level.WARNING, "sequencing a batch of " + batch.size() + " failed", e);
                    batch.forEach(p -> p.result().completeExceptionally(e));
                }
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Sequences {@code entries[from, to)} in one transaction, filling {@code result} as {@link JdbcLogStore#sequence}
     * does. When the store refuses the transaction because of what an entry holds (a data or constraint error), one
     * hostile entry must not fail the honest ones sequenced with it: the two halves are sequenced apart, down to
     * the entry the store refuses alone, whose failure goes to {@code refused}. Halving costs about 2 log2(n)
     * transactions for one such entry in a batch of n; retrying one by one would cost n. Any other failure (the
     * store is unreachable, a lease was lost) is no entry's doing and fails the whole range, as before.
     */
    private void sequenceApart(List<NewEntry> entries, int from, int to, long now, long[] result, Exception[] refused)
            throws SQLException {
        try {
            long[] r = store.sequence(origin, entries.subList(from, to), now, acknowledged);
            System.arraycopy(r, 0, result, from, r.length);
        } catch (SQLException | RuntimeException e) {
            if (!causedByAnEntry(e)) {
                throw e;
            }
            if (to - from == 1) {
                LOG.log(Level.WARNING, "the store refused one entry; the others of its batch are sequenced", e);
                refused[from] = e;
                return;
            }
            int mid = (from + to) >>> 1;
            sequenceApart(entries, from, mid, now, result, refused);
            sequenceApart(entries, mid, to, now, result, refused);
        }
    }

    /**
     * Whether a failed sequencing transaction may be due to an entry's content: SQLSTATE class 22 (data exception,
     * such as a value too long) or 23 (integrity constraint violation), anywhere in the chain, or an unchecked
     * exception (a driver that cannot encode a value).
     */
    static boolean causedByAnEntry(Throwable e) {
        if (e instanceof LogIntegrityException) {
            return false; // the store lost acknowledged entries: no entry's doing, and the log halts
        }
        if (e instanceof RuntimeException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                for (SQLException n = s; n != null; n = n.getNextException()) {
                    String state = n.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void answer(List<Pending> batch, long[] result, long time) {
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(new long[] {result[i], time});
        }
    }

    /** Records committed batches in the state file (one sync for all that are waiting), then answers their callers. */
    private void promiseLoop() {
        List<Committed> group = new ArrayList<>();
        while (!closed || !committed.isEmpty()) {
            try {
                Committed first = committed.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                committed.drainTo(group);
                long next = 0;
                for (Committed c : group) {
                    next = Math.max(next, c.next());
                }
                try {
                    promise(next, null); // durable outside the store before anyone is told
                    group.forEach(c -> answer(c.batch(), c.result(), c.time()));
                } catch (IOException | RuntimeException e) {
                    // the entries are in the store and will be integrated; their callers get an error, not an index
                    LOG.log(Level.WARNING, "recording acknowledged indexes in " + promises.file() + " failed", e);
                    group.forEach(c -> c.batch().forEach(p -> p.result().completeExceptionally(e)));
                }
                group.clear();
            } catch (InterruptedException e) {
                group.forEach(c -> c.batch().forEach(p -> p.result().completeExceptionally(
                        new IllegalStateException("log closed before the entry was recorded"))));
                return;
            }
        }
    }

    private void integrateLoop() {
        while (!closed) {
            try {
                synchronized (work) {
                    workPending = false; // what is sequenced from here on sets it again
                }
                if (halted != null) {
                    Thread.sleep(options.integrateInterval().toMillis());
                    continue;
                }
                boolean sequencing = isSequencer.getAsBoolean();
                if (!sequencing) {
                    recent.clear();
                }
                long started = System.nanoTime();
                boolean more = sequencing ? integrateOnce() : refresh();
                if (!more) {
                    if (sequencing && lastRound > 0 && lastRound < PACE_BELOW && waiting >= PACE_WAITERS
                            && !options.integratePace().isZero()) {
                        long left = started + options.integratePace().toNanos() - System.nanoTime();
                        if (left > 0) {
                            TimeUnit.NANOSECONDS.sleep(left);
                        }
                    }
                    synchronized (work) {
                        if (!workPending) {
                            work.wait(options.integrateInterval().toMillis());
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (LogIntegrityException e) {
                halt(e);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "integration failed; retrying", e);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Integrates one chunk; true when there may be more to do right away. */
    boolean integrateOnce() throws SQLException {
        Promised before = promised();
        JdbcLogStore.State s = store.state(origin).orElseThrow();
        requireNotBehind(before, s);
        if (s.nextIndex() <= s.integratedSize()) {
            lastRound = 0;
            publish(s);
            return false;
        }
        long from = s.integratedSize();
        long to = Math.min(s.nextIndex(), from + options.integrateChunk());
        lastRound = to - from;
        JdbcLogStore.State done = integrateRange(s, from, to);
        if (done != null) {
            publish(done);
        }
        return to < s.nextIndex();
    }

    /**
     * Integrates the stored entries {@code [from, to)} and commits tiles, bundles and a signed checkpoint; answers the
     * new state, or null when another process integrated first. Publishes nothing.
     */
    private JdbcLogStore.State integrateRange(JdbcLogStore.State s, long from, long to) throws SQLException {
        List<byte[]> leaves = leafData(from, to);
        List<byte[]> hashes = new ArrayList<>(leaves.size());
        for (byte[] leaf : leaves) {
            hashes.add(Rfc6962.leafHash(leaf));
        }
        TileIntegrator.Result r = TileIntegrator.integrate(from, hashes, (level, index) -> tileAt(from, level, index));
        Map<Long, byte[]> bundles = fullBundles(from, leaves);
        String note = sign(r.size(), r.root());
        if (!store.commitIntegration(origin, from, r.size(), r.root(), note, r.tiles(), bundles)) {
            return null;
        }
        r.tiles().forEach((k, data) -> tiles.offer(k.level(), k.index(), data));
        bundles.forEach((b, data) -> tiles.offer(-1, b, data));
        // keep the leaves of the bundle still being filled: the next integration completes it from them
        recent.headMap(r.size() / TileLayout.WIDTH * TileLayout.WIDTH).clear();
        return new JdbcLogStore.State(s.nextIndex(), r.size(), r.root(), note);
    }

    /**
     * The start-up check, with one repair. When the store's integration is behind the checkpoint the state file says
     * was published, but the store's sequenced entries reach that size, the missing integration is redone from the
     * stored entries (the same entries give the same tiles and root) and the check runs again: the root at the
     * published size must then be the published root, or the log refuses to start as before. Entries missing below
     * the published size, or any other finding, still refuse. Why: H2 lost its newest integration commit to a SIGKILL
     * in 1 of 3 StackCrashIT runs (stored 2,366, published 2,370; every sequenced entry present), with WRITE_DELAY=0
     * and also with a CHECKPOINT SYNC after each commit.
     */
    private JdbcLogStore.State checkOrRepair() throws SQLException, IOException {
        try {
            return IntegrityCheck.run(store, origin, promises);
        } catch (LogIntegrityException e) {
            Optional<PublishedState.Promise> p;
            try {
                p = promises == null ? Optional.empty() : promises.read();
            } catch (IOException unreadable) {
                throw e; // a damaged state file is the check's own finding
            }
            JdbcLogStore.State s = store.state(origin).orElseThrow();
            if (p.isEmpty() || p.get().size() <= s.integratedSize() || s.nextIndex() < p.get().size()) {
                throw e;
            }
            long target = p.get().size();
            LOG.warning("log " + origin + ": the store's integration stops at " + s.integratedSize()
                    + " but checkpoint " + target + " was published; its entries are stored: integrating them again"
                    + " and checking the root against the published one");
            while (s.integratedSize() < target) {
                if (integrateRange(s, s.integratedSize(), Math.min(target, s.integratedSize()
                        + options.integrateChunk())) == null) {
                    throw e;
                }
                s = store.state(origin).orElseThrow();
            }
            return IntegrityCheck.run(store, origin, promises);
        }
    }

    /** Leaf data of entries {@code [from, to)}: from what this process committed, else from the store. */
    private List<byte[]> leafData(long from, long to) throws SQLException {
        List<byte[]> out = new ArrayList<>((int) (to - from));
        for (long i = from; i < to; i++) {
            byte[] leaf = recent.get(i);
            if (leaf == null) {
                return store.leafData(origin, from, to);
            }
            out.add(leaf);
        }
        return out;
    }

    /**
     * The entry bundles that this integration fills (256 entries each). Partial bundles are not stored: they are
     * assembled from the entries when asked for, so that an integration no longer rewrites the growing partial
     * bundle (up to 256 entries' bytes) every time.
     */
    private Map<Long, byte[]> fullBundles(long from, List<byte[]> leaves) throws SQLException {
        Map<Long, byte[]> out = new LinkedHashMap<>();
        long to = from + leaves.size();
        for (long b = from / TileLayout.WIDTH; (b + 1) * TileLayout.WIDTH <= to; b++) {
            long start = b * TileLayout.WIDTH;
            long end = start + TileLayout.WIDTH;
            List<byte[]> entries = new ArrayList<>(TileLayout.WIDTH);
            if (start < from) {
                entries.addAll(leafData(start, from));
            }
            entries.addAll(leaves.subList((int) Math.max(0, start - from), (int) (end - from)));
            out.put(b, EntryBundle.encode(entries));
        }
        return out;
    }

    /**
     * Tile (level -1: entry bundle) {@code level/index} holding at least what the tree of {@code size} has in it,
     * from the cache or else the store; null when the store has none.
     */
    private byte[] tileAt(long size, int level, long index) {
        int width = level < 0 ? TileLayout.entryBundleWidthAt(size, index) : TileLayout.widthAt(size, level, index);
        byte[] data = tiles.get(level, index, width);
        if (data != null) {
            return data;
        }
        try {
            data = store.tile(origin, level, index);
        } catch (SQLException e) {
            throw new IllegalStateException("reading tile " + level + "/" + index + " failed", e);
        }
        if (data != null) {
            tiles.offer(level, index, data);
        }
        return data;
    }

    private String sign(long size, byte[] root) {
        try {
            return SignedNote.sign(new Checkpoint(origin, size, root).text(), List.of(signer)).marshal();
        } catch (NoteFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reloads the published state from the store (followers, and at start); never asks to loop at once. */
    boolean refresh() throws SQLException {
        Promised before = promised();
        JdbcLogStore.State s = store.state(origin).orElseThrow();
        requireNotBehind(before, s);
        publish(s);
        return false;
    }

    /** What this process had promised, read before the store is: both are set only after the store committed. */
    private record Promised(PublishedCheckpoint checkpoint, long acknowledged) { }

    private Promised promised() {
        return new Promised(current, acknowledged);
    }

    /** A store that went back below what this process published or acknowledged is a store that lost promises. */
    private void requireNotBehind(Promised before, JdbcLogStore.State s) {
        PublishedCheckpoint c = before.checkpoint();
        long acknowledged = before.acknowledged();
        if (c != null && s.integratedSize() < c.size()) {
            throw new LogIntegrityException(origin, s.integratedSize(), s.rootHash(), c.size(), c.rootHash(),
                    "the store's checkpoint went back while the log was running");
        }
        if (s.nextIndex() < acknowledged) {
            throw new LogIntegrityException(origin, s.integratedSize(), s.rootHash(), c == null ? 0 : c.size(),
                    c == null ? null : c.rootHash(), "indexes up to " + (acknowledged - 1)
                            + " were acknowledged but the store's next index went back to " + s.nextIndex());
        }
    }

    private void halt(LogIntegrityException e) {
        if (halted == null) {
            halted = e;
            LOG.severe(e.getMessage() + "; this process no longer sequences or integrates");
        }
    }

    /**
     * Records, synced, in the {@link PublishedState} (when there is one) the next index acknowledged and the
     * checkpoint about to be published (null: the current one); a no-op when neither is new.
     */
    private void promise(long next, JdbcLogStore.State checkpoint) throws IOException {
        if (promises == null) {
            return;
        }
        PublishedCheckpoint c = current;
        PublishedState.Promise p = checkpoint != null
                ? new PublishedState.Promise(next, checkpoint.integratedSize(), checkpoint.rootHash(),
                        checkpoint.checkpoint())
                : new PublishedState.Promise(next, c.size(), c.rootHash(), c.signedNote());
        promises.record(p);
    }

    private void publish(JdbcLogStore.State s) {
        PublishedCheckpoint before = current;
        if (before == null || s.integratedSize() > before.size()) {
            try {
                promise(acknowledged, s); // recorded before it is served
            } catch (IOException e) {
                throw new UncheckedIOException("recording the checkpoint of size " + s.integratedSize()
                        + " in the log state file failed", e);
            }
        }
        List<Waiter> covered = new ArrayList<>();
        PublishedCheckpoint now;
        synchronized (published) {
            if (current == null || s.integratedSize() >= current.size()) {
                current = new PublishedCheckpoint(s.integratedSize(), s.rootHash(), s.checkpoint());
            }
            now = current;
            while (!waiters.isEmpty() && waiters.peek().index() < now.size()) {
                covered.add(waiters.poll());
            }
            waiting = waiters.size();
        }
        // only the callers this checkpoint covers wake up, each once (no herd on one monitor)
        covered.forEach(w -> w.released().complete(now));
    }

    @Override
    public PublishedCheckpoint awaitIntegrated(long index, Duration timeout) throws InterruptedException {
        Waiter w;
        synchronized (published) {
            PublishedCheckpoint c = current;
            if (c.size() > index) {
                return c;
            }
            w = new Waiter(index, new CompletableFuture<>());
            waiters.add(w);
            waiting = waiters.size();
        }
        try {
            return w.released().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (published) {
                waiters.remove(w);
                waiting = waiters.size();
            }
            PublishedCheckpoint c = current;
            if (c.size() > index) {
                return c;
            }
            throw new IllegalStateException("entry " + index + " was not integrated within " + timeout);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            synchronized (published) {
                waiters.remove(w);
                waiting = waiters.size();
            }
            throw e;
        }
    }

    @Override
    public PublishedCheckpoint checkpoint() {
        if (!isSequencer.getAsBoolean()) {
            try {
                refresh();
            } catch (SQLException e) {
                throw new IllegalStateException("reading the checkpoint failed", e);
            }
        }
        PublishedCheckpoint c = current;
        try {
            List<String> cosigs = store.cosignatures(origin, c.size());
            if (!cosigs.isEmpty()) {
                return new PublishedCheckpoint(c.size(), c.rootHash(), c.signedNote() + String.join("", cosigs));
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "reading cosignatures failed; serving the checkpoint without them", e);
        }
        return c;
    }

    /** Number of entries this process sequenced since it started (a metric). */
    long appendedSinceStart() {
        return appended.get();
    }

    /** Sequenced entries not yet integrated, as last seen (a metric). */
    long integrationLag() {
        try {
            JdbcLogStore.State s = store.state(origin).orElseThrow();
            return s.nextIndex() - s.integratedSize();
        } catch (SQLException e) {
            return -1;
        }
    }

    int queued() {
        return queue.size();
    }

    @Override
    public Optional<StoredEntry> entry(long index) {
        try {
            return store.entry(origin, index);
        } catch (SQLException e) {
            throw new IllegalStateException("reading entry " + index + " failed", e);
        }
    }

    @Override
    public Optional<Long> indexOfDedupKey(byte[] dedupKey) {
        try {
            return store.indexOfDedupKey(origin, dedupKey);
        } catch (SQLException e) {
            throw new IllegalStateException("dedup lookup failed", e);
        }
    }

    @Override
    public List<Long> search(String indexKey, int limit) {
        try {
            return store.search(origin, indexKey, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("index search failed", e);
        }
    }

    private HashReader reader(long size) {
        TileHashReader fromTiles = new TileHashReader((level, index) -> tileAt(size, level, index));
        return (level, index) -> {
            if (level % TileLayout.HEIGHT == 0) {
                return fromTiles.hash(level, index); // stored as is in a tile: nothing to hash
            }
            // a complete subtree's hash never changes; the proofs for new entries ask for the same right-edge
            // nodes over and over, each of which hashes up to 255 tile hashes
            long key = ((long) level << 56) | index;
            byte[] h = nodes.get(key);
            if (h == null) {
                h = fromTiles.hash(level, index);
                if (nodes.size() >= MAX_NODES) {
                    nodes.clear();
                }
                nodes.put(key, h);
            }
            return h.clone();
        };
    }

    @Override
    public List<byte[]> inclusionProof(long index, long treeSize) {
        requirePublished(treeSize);
        return Proofs.inclusionProof(index, treeSize, reader(treeSize));
    }

    @Override
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        requirePublished(toSize);
        return Proofs.consistencyProof(fromSize, toSize, reader(toSize));
    }

    /** The root of the tree at a published size (for proof responses). */
    byte[] rootAt(long size) {
        requirePublished(size);
        return Proofs.root(size, reader(size));
    }

    private void requirePublished(long size) {
        long published = publishedSize();
        if (size > published) {
            throw new IllegalArgumentException("tree size " + size + " is beyond the published size " + published);
        }
    }

    /** The published size, without the cosignature lookup of {@link #checkpoint()}. */
    private long publishedSize() {
        if (!isSequencer.getAsBoolean()) {
            try {
                refresh();
            } catch (SQLException e) {
                throw new IllegalStateException("reading the checkpoint failed", e);
            }
        }
        return current.size();
    }

    @Override
    public Optional<byte[]> tile(int level, long index, int width) {
        long size = publishedSize();
        if (width > TileLayout.widthAt(size, level, index)) {
            return Optional.empty();
        }
        byte[] t = tileAt(size, level, index);
        if (t == null || t.length < width * TileLayout.HASH_SIZE) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(t, width * TileLayout.HASH_SIZE));
    }

    @Override
    public Optional<byte[]> entryBundle(long index, int width) {
        long size = publishedSize();
        if (width > TileLayout.entryBundleWidthAt(size, index)) {
            return Optional.empty();
        }
        byte[] stored = tileAt(size, -1, index); // full bundles (and partial ones stored by earlier versions)
        if (stored != null && TileCache.holds(stored, -1, width)) {
            return Optional.of(Arrays.copyOf(stored, EntryBundle.prefixLength(stored, width)));
        }
        try {
            long first = index * TileLayout.WIDTH;
            return Optional.of(EntryBundle.encode(store.leafData(origin, first, first + width)));
        } catch (SQLException e) {
            throw new IllegalStateException("reading entry bundle " + index + " failed", e);
        }
    }

    /** Stores a witness cosignature line for the current checkpoint (already verified by the caller). */
    void addCosignature(long treeSize, String witness, String line) throws SQLException {
        store.addCosignature(origin, treeSize, witness, line);
    }

    @Override
    public void close() {
        closed = true;
        sequencer.interrupt();
        integrator.interrupt();
        try {
            sequencer.join(5000);
            integrator.join(5000);
            if (promiser != null) {
                promiser.join(5000); // answers what the sequencer committed, then ends
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new IllegalStateException("log closed")));
        List<Waiter> stillWaiting;
        synchronized (published) {
            stillWaiting = new ArrayList<>(waiters);
            waiters.clear();
            waiting = 0;
        }
        stillWaiting.forEach(w -> w.released().completeExceptionally(new IllegalStateException("log closed")));
        if (promises != null) {
            try {
                promises.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the log state file failed", e);
            }
        }
    }
}
