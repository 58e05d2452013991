package dev.sigstack.tlog.internal;

import dev.sigstack.core.tiles.TileIntegrator.TileKey;
import dev.sigstack.tlog.LogEngine.NewEntry;
import dev.sigstack.tlog.LogEngine.StoredEntry;
import dev.sigstack.tlog.LogIntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The log store on H2 or PostgreSQL. Every write is one transaction: a sequenced batch (entries, their index
 * keys and the next index) commits together, and an integration (tiles, entry bundles, the new checkpoint)
 * commits together, guarded by the integrated size it started from.
 */
final class JdbcLogStore {
    /** Migrations in order; each runs once, recorded in schema_version. */
    private static final List<String> MIGRATIONS = List.of("V1__init.sql", "V2__log_sequence.sql",
            "V3__lease_expiry.sql");

    private final DataSource dataSource;
    private final Dialect dialect;
    /** Per log: what a sequencing or integration transaction checks before it writes (the lease's fencing token). */
    private final Map<String, Fence> fences = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Checked first inside every sequencing and integration transaction: throws unless this process may still
     * write the log, and holds a lock that keeps another process from taking the lease until the transaction ends.
     */
    interface Fence {
        void check(Connection c) throws SQLException;
    }

    JdbcLogStore(DataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    DataSource dataSource() {
        return dataSource;
    }

    Dialect dialect() {
        return dialect;
    }

    /** From now on every write transaction of {@code log} checks {@code fence} first. */
    void fence(String log, Fence fence) {
        fences.put(log, fence);
    }

    private void checkFence(Connection c, String log) throws SQLException {
        Fence f = fences.get(log);
        if (f != null) {
            f.check(c);
        }
    }

    /** Applies the migrations not yet applied. Safe to run from several processes at once on PostgreSQL. */
    void migrate() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // a migration may rewrite a large table: no socket timeout for it (the pool's is for the write path)
            if (dialect == Dialect.POSTGRES) {
                c.setNetworkTimeout(Runnable::run, 0);
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (dialect == Dialect.POSTGRES) {
                    s.execute("SELECT pg_advisory_xact_lock(7227435)"); // serialize concurrent migrations
                }
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, name VARCHAR(200) NOT NULL)");
                int applied = 0;
                try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                    rs.next();
                    applied = rs.getInt(1);
                }
                for (int v = applied + 1; v <= MIGRATIONS.size(); v++) {
                    String name = MIGRATIONS.get(v - 1);
                    for (String sql : load(name).split(";\\s*\\n")) {
                        String stmt = stripComments(sql).strip();
                        if (!stmt.isEmpty()) {
                            s.execute(stmt.replace("${BYTES}", dialect.bytesType).replace("${TEXT}", dialect.textType));
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version VALUES (?, ?)")) {
                        ps.setInt(1, v);
                        ps.setString(2, name);
                        ps.executeUpdate();
                    }
                }
            }
            c.commit();
        }
    }

    private static String stripComments(String sql) {
        StringBuilder out = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String load(String name) {
        try (InputStream in = JdbcLogStore.class.getResourceAsStream("/dev/sigstack/tlog/db/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the log's state and sequence rows if it is new. */
    void ensureLog(String log, byte[] emptyRoot, String emptyCheckpoint) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM log_state WHERE log = ?")) {
                ps.setString(1, log);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO log_state (log, next_index, integrated_size, root_hash, checkpoint) VALUES (?, 0, 0, ?, ?)");
                    PreparedStatement seq = c.prepareStatement(
                            "INSERT INTO log_sequence (log, next_index) VALUES (?, 0)")) {
                st.setString(1, log);
                st.setBytes(2, emptyRoot);
                st.setString(3, emptyCheckpoint);
                st.executeUpdate();
                seq.setString(1, log);
                seq.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                // another process created it first
                if (state(log).isEmpty()) {
                    throw e;
                }
            }
        }
    }

    /** The log's persisted state. */
    record State(long nextIndex, long integratedSize, byte[] rootHash, String checkpoint) { }

    Optional<State> state(String log) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT s.next_index, l.integrated_size, l.root_hash, l.checkpoint "
                                + "FROM log_state l JOIN log_sequence s ON s.log = l.log WHERE l.log = ?")) {
            ps.setString(1, log);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new State(rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getString(4)));
            }
        }
    }

    /**
     * Sequences a batch in one transaction. For each entry the result is its new index, or
     * {@code -(existing + 1)} when an entry with the same dedup key exists (in the store or earlier in the batch).
     */
    long[] sequence(String log, List<NewEntry> batch, long timeMillis) throws SQLException {
        return sequence(log, batch, timeMillis, 0); // no acknowledged index to hold the store to (tests, tools)
    }

    /**
     * {@link #sequence(String, List, long)}, refusing a store whose next index went back below {@code acknowledged}.
     *
     * @param acknowledged the next index this process last acknowledged: a store whose next index is below it
     *     lost acknowledged entries, and the batch is refused rather than given their indexes again
     * @throws LogIntegrityException when the store's next index is below {@code acknowledged}
     */
    long[] sequence(String log, List<NewEntry> batch, long timeMillis, long acknowledged) throws SQLException {
        long[] result = new long[batch.size()];
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                checkFence(c, log);
                long next;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT next_index FROM log_sequence WHERE log = ? FOR UPDATE")) {
                    ps.setString(1, log);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("unknown log " + log);
                        }
                        next = rs.getLong(1);
                    }
                }
                if (next < acknowledged) {
                    throw new LogIntegrityException(log, next, null, acknowledged, null, "indexes up to "
                            + (acknowledged - 1) + " were acknowledged but the store's next index is " + next);
                }
                // one lookup for the whole batch instead of one round trip per entry
                Map<Key, Long> inBatch = dialect == Dialect.POSTGRES
                        ? existingDedupKeysPostgres(c, log, batch) : existingDedupKeys(c, log, batch);
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO entries "
                                + "(log, idx, leaf_data, extra_data, integrated_time, dedup_key) VALUES (?, ?, ?, ?, ?, ?)");
                        PreparedStatement keys = c.prepareStatement(
                                "INSERT INTO index_keys (log, lookup, idx) VALUES (?, ?, ?)")) {
                    boolean anyKeys = false;
                    for (int i = 0; i < batch.size(); i++) {
                        NewEntry e = batch.get(i);
                        Key k = new Key(e.dedupKey());
                        Long existing = inBatch.get(k);
                        if (existing != null) {
                            result[i] = -(existing + 1);
                            continue;
                        }
                        long idx = next++;
                        inBatch.put(k, idx);
                        result[i] = idx;
                        ins.setString(1, log);
                        ins.setLong(2, idx);
                        ins.setBytes(3, e.leafData());
                        ins.setBytes(4, e.extraData());
                        ins.setLong(5, timeMillis);
                        ins.setBytes(6, e.dedupKey());
                        ins.addBatch();
                        for (String key : new java.util.LinkedHashSet<>(e.indexKeys())) {
                            keys.setString(1, log);
                            keys.setString(2, key);
                            keys.setLong(3, idx);
                            keys.addBatch();
                            anyKeys = true;
                        }
                    }
                    ins.executeBatch();
                    if (anyKeys) {
                        keys.executeBatch();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE log_sequence SET next_index = ? WHERE log = ?")) {
                    ps.setLong(1, next);
                    ps.setString(2, log);
                    ps.executeUpdate();
                }
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Indices of the entries in the store whose dedup keys occur in {@code batch}, by key, in one round trip with
     * one array parameter: the statement text is the same for every batch size (an IN list of n markers is a new
     * statement for each n), and with plans made per execution it probes the (log, dedup_key) index per key.
     */
    private static Map<Key, Long> existingDedupKeysPostgres(Connection c, String log, List<NewEntry> batch)
            throws SQLException {
        Map<Key, Long> found = new HashMap<>();
        byte[][] keys = new byte[batch.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = batch.get(i).dedupKey();
        }
        java.sql.Array array = c.createArrayOf("bytea", keys);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT dedup_key, idx FROM entries WHERE log = ? AND dedup_key = ANY (?)")) {
            ps.setString(1, log);
            ps.setArray(2, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(new Key(rs.getBytes(1)), rs.getLong(2));
                }
            }
        } finally {
            array.free();
        }
        return found;
    }

    /**
     * Indices of the entries in the store whose dedup keys occur in {@code batch}, by key, one point lookup each
     * (H2 runs in this process: a lookup is a method call, not a round trip). H2 does not use the (log, dedup_key)
     * index for an IN list on its second column: the IN-list query this replaces compared every entry of the log
     * with every key of the batch, half the server's CPU at 80,000 entries and growing with the log.
     */
    private static Map<Key, Long> existingDedupKeys(Connection c, String log, List<NewEntry> batch)
            throws SQLException {
        Map<Key, Long> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT idx FROM entries WHERE log = ? AND dedup_key = ?")) {
            ps.setString(1, log);
            for (NewEntry e : batch) {
                ps.setBytes(2, e.dedupKey());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        found.put(new Key(e.dedupKey()), rs.getLong(1));
                    }
                }
            }
        }
        return found;
    }

    /** Leaf data of entries {@code [from, to)}, in order. */
    List<byte[]> leafData(String log, long from, long to) throws SQLException {
        List<byte[]> out = new ArrayList<>((int) (to - from));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT idx, leaf_data FROM entries WHERE log = ? AND idx >= ? AND idx < ? ORDER BY idx")) {
            ps.setString(1, log);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                long expect = from;
                while (rs.next()) {
                    if (rs.getLong(1) != expect) {
                        throw new SQLException("entry " + expect + " of log " + log + " is missing");
                    }
                    out.add(rs.getBytes(2));
                    expect++;
                }
                if (expect != to) {
                    throw new SQLException("entries " + expect + ".." + to + " of log " + log + " are missing");
                }
            }
        }
        return out;
    }

    Optional<StoredEntry> entry(String log, long index) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT leaf_data, extra_data, integrated_time FROM entries WHERE log = ? AND idx = ?")) {
            ps.setString(1, log);
            ps.setLong(2, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredEntry(index, rs.getBytes(1), rs.getBytes(2), rs.getLong(3)))
                        : Optional.empty();
            }
        }
    }

    Optional<Long> indexOfDedupKey(String log, byte[] key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT idx FROM entries WHERE log = ? AND dedup_key = ?")) {
            ps.setString(1, log);
            ps.setBytes(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    List<Long> search(String log, String lookup, int limit) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT idx FROM index_keys WHERE log = ? AND lookup = ? ORDER BY idx LIMIT ?")) {
            ps.setString(1, log);
            ps.setString(2, lookup);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** The newest stored version of a tile ({@code level -1}: entry bundle), or null. */
    byte[] tile(String log, int level, long index) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT data FROM tiles WHERE log = ? AND level = ? AND idx = ?")) {
            ps.setString(1, log);
            ps.setInt(2, level);
            ps.setLong(3, index);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /**
     * Commits one integration: new tile versions, entry bundles and the checkpoint, only if the log's
     * integrated size is still {@code fromSize}. Returns false when another integrator got there first.
     */
    boolean commitIntegration(String log, long fromSize, long newSize, byte[] root, String checkpoint,
            Map<TileKey, byte[]> tiles, Map<Long, byte[]> bundles) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                checkFence(c, log);
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT integrated_size FROM log_state WHERE log = ? FOR UPDATE")) {
                    ps.setString(1, log);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || rs.getLong(1) != fromSize) {
                            c.rollback();
                            return false;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(dialect.upsertTile)) {
                    for (Map.Entry<TileKey, byte[]> t : tiles.entrySet()) {
                        ps.setString(1, log);
                        ps.setInt(2, t.getKey().level());
                        ps.setLong(3, t.getKey().index());
                        ps.setBytes(4, t.getValue());
                        ps.addBatch();
                    }
                    for (Map.Entry<Long, byte[]> b : bundles.entrySet()) {
                        ps.setString(1, log);
                        ps.setInt(2, -1);
                        ps.setLong(3, b.getKey());
                        ps.setBytes(4, b.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE log_state SET integrated_size = ?, root_hash = ?, checkpoint = ? WHERE log = ?")) {
                    ps.setLong(1, newSize);
                    ps.setBytes(2, root);
                    ps.setString(3, checkpoint);
                    ps.setString(4, log);
                    ps.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Stores a witness cosignature line for the checkpoint of {@code treeSize} (idempotent per witness). */
    void addCosignature(String log, long treeSize, String witness, String line) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM cosignatures WHERE log = ? AND tree_size = ? AND witness = ?");
                    PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO cosignatures (log, tree_size, witness, line) VALUES (?, ?, ?, ?)")) {
                c.setAutoCommit(false);
                del.setString(1, log);
                del.setLong(2, treeSize);
                del.setString(3, witness);
                del.executeUpdate();
                ins.setString(1, log);
                ins.setLong(2, treeSize);
                ins.setString(3, witness);
                ins.setString(4, line);
                ins.executeUpdate();
                c.commit();
            }
        }
    }

    List<String> cosignatures(String log, long treeSize) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT line FROM cosignatures WHERE log = ? AND tree_size = ? ORDER BY witness")) {
            ps.setString(1, log);
            ps.setLong(2, treeSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The highest stored entry index of the log, or -1 when it has none. */
    long lastIndex(String log) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT MAX(idx) FROM entries WHERE log = ?")) {
            ps.setString(1, log);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long max = rs.getLong(1);
                return rs.wasNull() ? -1 : max;
            }
        }
    }

    /** How many entries of {@code [from, to)} are stored. */
    long countEntries(String log, long from, long to) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM entries WHERE log = ? AND idx >= ? AND idx < ?")) {
            ps.setString(1, log);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A byte-array map key. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
