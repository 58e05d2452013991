package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.h2.H2Urls;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The monitor's durable state in an embedded H2 file: the last verified checkpoint, the next index to check with
 * the compact range of all entries checked so far, an index of checked entries (signers and artifact digests),
 * and the alert outbox. A batch of checked entries, their alerts and the new position commit in one transaction,
 * so after a crash or restart the monitor resumes exactly where the last commit left it.
 */
final class MonitorStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection db;
    /** Whether alerts still need webhook delivery when they are recorded (false: no webhook configured). */
    private volatile boolean outbox = true;

    private MonitorStore(Connection db) {
        this.db = db;
    }

    /** Opens (and creates) the store in {@code dir}. */
    static MonitorStore open(Path dir) throws SQLException {
        return openUrl("jdbc:h2:file:" + dir.resolve("monitor").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE");
    }

    static MonitorStore openUrl(String url) throws SQLException {
        // WRITE_DELAY=0: a commit is in the file before it returns, so a position or alert acted on survives SIGKILL
        Connection c = DriverManager.getConnection(H2Urls.durable(url));
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS position (id INT PRIMARY KEY, next_index BIGINT NOT NULL,"
                    + " range_nodes VARBINARY(2048) NOT NULL, cp_size BIGINT, cp_root VARBINARY(32), cp_note CLOB,"
                    + " cp_verified_at TIMESTAMP WITH TIME ZONE)");
            s.execute("MERGE INTO position (id, next_index, range_nodes) KEY (id)"
                    + " SELECT 1, 0, X'' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM position)");
            s.execute("CREATE TABLE IF NOT EXISTS entries (idx BIGINT PRIMARY KEY, uuid VARCHAR(80) NOT NULL,"
                    + " kind VARCHAR(64) NOT NULL, checked_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS signers (idx BIGINT NOT NULL, pos INT NOT NULL,"
                    + " key_id VARCHAR(71) NOT NULL, subject VARCHAR(4096), issuer VARCHAR(4096), allowed BOOLEAN NOT NULL,"
                    + " identity VARCHAR(65536) NOT NULL, PRIMARY KEY (idx, pos))");
            s.execute("CREATE INDEX IF NOT EXISTS signers_subject ON signers (subject)");
            s.execute("CREATE INDEX IF NOT EXISTS signers_key ON signers (key_id)");
            s.execute("CREATE TABLE IF NOT EXISTS artifacts (digest VARCHAR(140) NOT NULL, idx BIGINT NOT NULL,"
                    + " PRIMARY KEY (digest, idx))");
            s.execute("CREATE TABLE IF NOT EXISTS alerts (id BIGINT AUTO_INCREMENT PRIMARY KEY, type VARCHAR(32) NOT NULL,"
                    + " created TIMESTAMP WITH TIME ZONE NOT NULL, log_index BIGINT, body CLOB NOT NULL,"
                    + " delivered BOOLEAN NOT NULL)");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.setAutoCommit(false);
        c.commit();
        return new MonitorStore(c);
    }

    /** Where checking resumes: the next index and the compact range of entries {@code [0, next)}. */
    synchronized CompactRange position() throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT next_index, range_nodes FROM position WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            CompactRange r = CompactRange.restore(rs.getLong(1), rs.getBytes(2));
            db.commit();
            return r;
        }
    }

    /** The last verified checkpoint, if any. */
    synchronized Optional<VerifiedCheckpoint> checkpoint() throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT cp_size, cp_root, cp_note FROM position WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            Optional<VerifiedCheckpoint> out = rs.getBytes(2) == null ? Optional.empty()
                    : Optional.of(new VerifiedCheckpoint(rs.getLong(1), rs.getBytes(2), rs.getString(3)));
            db.commit();
            return out;
        }
    }

    /** Records a newly verified checkpoint (consistent with the previous one). */
    synchronized void saveCheckpoint(VerifiedCheckpoint cp) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "UPDATE position SET cp_size = ?, cp_root = ?, cp_note = ?, cp_verified_at = ? WHERE id = 1")) {
            ps.setLong(1, cp.size());
            ps.setBytes(2, cp.rootHash());
            ps.setString(3, cp.note());
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        }
    }

    void outbox(boolean enabled) {
        this.outbox = enabled;
    }

    /** One checked signer, for the index. */
    record CheckedSigner(SignerIdentity identity, boolean allowed) { }

    /** One checked entry: what the index keeps. {@code kind} is "malformed" for entries that did not decode. */
    record CheckedEntry(long index, String uuid, String kind, List<CheckedSigner> signers, List<String> artifacts) { }

    /**
     * Commits one batch: the entries, their alerts, and the new position, atomically.
     *
     * @throws SQLException if an entry was already recorded (a double check) or the position moved meanwhile
     */
    synchronized List<Long> commitBatch(long expectedNext, CompactRange newPosition, Collection<CheckedEntry> entries,
            Collection<Alert> alerts) throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        try {
            try (PreparedStatement ps = db.prepareStatement(
                    "UPDATE position SET next_index = ?, range_nodes = ? WHERE id = 1 AND next_index = ?")) {
                ps.setLong(1, newPosition.size());
                ps.setBytes(2, newPosition.encodeNodes());
                ps.setLong(3, expectedNext);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("monitor position moved: expected next index " + expectedNext
                            + " (is another monitor using this state directory?)");
                }
            }
            try (PreparedStatement pe = db.prepareStatement("INSERT INTO entries (idx, uuid, kind, checked_at) VALUES (?, ?, ?, ?)");
                    PreparedStatement psg = db.prepareStatement("INSERT INTO signers (idx, pos, key_id, subject, issuer,"
                            + " allowed, identity) VALUES (?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement pa = db.prepareStatement("INSERT INTO artifacts (digest, idx) VALUES (?, ?)")) {
                for (CheckedEntry e : entries) {
                    pe.setLong(1, e.index());
                    pe.setString(2, e.uuid());
                    pe.setString(3, e.kind());
                    pe.setTimestamp(4, now);
                    pe.addBatch();
                    int pos = 0;
                    for (CheckedSigner s : e.signers()) {
                        psg.setLong(1, e.index());
                        psg.setInt(2, pos++);
                        psg.setString(3, s.identity().keyId());
                        psg.setString(4, s.identity().subject());
                        psg.setString(5, s.identity().issuer());
                        psg.setBoolean(6, s.allowed());
                        psg.setString(7, s.identity().toJson().toString());
                        psg.addBatch();
                    }
                    for (String a : new java.util.LinkedHashSet<>(e.artifacts())) {
                        pa.setString(1, a);
                        pa.setLong(2, e.index());
                        pa.addBatch();
                    }
                }
                pe.executeBatch();
                psg.executeBatch();
                pa.executeBatch();
            }
            List<Long> ids = insertAlerts(alerts, now);
            db.commit();
            return ids;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    /** Records alerts that are not about entries (forks, stalls, break-glass). */
    synchronized List<Long> addAlerts(Collection<Alert> alerts) throws SQLException {
        try {
            List<Long> ids = insertAlerts(alerts, Timestamp.from(Instant.now()));
            db.commit();
            return ids;
        } catch (SQLException e) {
            db.rollback();
            throw e;
        }
    }

    private List<Long> insertAlerts(Collection<Alert> alerts, Timestamp now) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "INSERT INTO alerts (type, created, log_index, body, delivered) VALUES (?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (Alert a : alerts) {
                ps.setString(1, a.type().label());
                ps.setTimestamp(2, now);
                ps.setLong(3, a.logIndex());
                ps.setString(4, a.toJson().toString());
                ps.setBoolean(5, !outbox);
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    k.next();
                    ids.add(k.getLong(1));
                }
            }
        }
        return ids;
    }

    /** An alert waiting in the outbox. */
    record PendingAlert(long id, ObjectNode body) { }

    synchronized List<PendingAlert> undelivered(int limit) throws SQLException {
        List<PendingAlert> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT id, body FROM alerts WHERE NOT delivered ORDER BY id LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PendingAlert(rs.getLong(1), (ObjectNode) JSON.readTree(rs.getString(2))));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("stored alert is not JSON", e);
            }
            db.commit();
        }
        return out;
    }

    synchronized void markDelivered(long id) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("UPDATE alerts SET delivered = TRUE WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
            db.commit();
        }
    }

    /** All alerts, oldest first (for the HTTP API and tests). */
    synchronized List<ObjectNode> alerts(String type, int limit) throws SQLException {
        List<ObjectNode> out = new ArrayList<>();
        String sql = "SELECT body FROM alerts" + (type == null ? "" : " WHERE type = ?") + " ORDER BY id LIMIT ?";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            int i = 1;
            if (type != null) {
                ps.setString(i++, type);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add((ObjectNode) JSON.readTree(rs.getString(1)));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("stored alert is not JSON", e);
            }
            db.commit();
        }
        return out;
    }

    /** A checked entry found by the index. */
    record Hit(long index, String uuid, String kind, ObjectNode identity, boolean allowed) { }

    /** Entries that record an artifact digest ({@code sha256:<hex>}). */
    synchronized List<Hit> byArtifact(String digest, int limit) throws SQLException {
        return hits("SELECT e.idx, e.uuid, e.kind, s.identity, s.allowed FROM artifacts a JOIN entries e ON e.idx = a.idx"
                + " JOIN signers s ON s.idx = e.idx WHERE a.digest = ? ORDER BY e.idx, s.pos LIMIT ?", digest, limit);
    }

    /** Entries signed by an e-mail address, compared case-insensitively (as Rekor's index lower-cases them). */
    synchronized List<Hit> byEmail(String email, int limit) throws SQLException {
        return hits("SELECT e.idx, e.uuid, e.kind, s.identity, s.allowed FROM signers s JOIN entries e ON e.idx = s.idx"
                + " WHERE LOWER(s.subject) = LOWER(?) ORDER BY e.idx, s.pos LIMIT ?", email, limit);
    }

    /** When the last new checkpoint was verified, if ever. */
    synchronized Optional<Instant> checkpointVerifiedAt() throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT cp_verified_at FROM position WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            db.commit();
            return Optional.ofNullable(t).map(Timestamp::toInstant);
        }
    }

    /** Entries signed by a subject (SAN, e.g. an e-mail address). */
    synchronized List<Hit> bySubject(String subject, int limit) throws SQLException {
        return hits("SELECT e.idx, e.uuid, e.kind, s.identity, s.allowed FROM signers s JOIN entries e ON e.idx = s.idx"
                + " WHERE s.subject = ? ORDER BY e.idx, s.pos LIMIT ?", subject, limit);
    }

    /** Entries signed with a key or certificate ({@code sha256:<hex>} of its canonical PEM). */
    synchronized List<Hit> byKey(String keyId, int limit) throws SQLException {
        return hits("SELECT e.idx, e.uuid, e.kind, s.identity, s.allowed FROM signers s JOIN entries e ON e.idx = s.idx"
                + " WHERE s.key_id = ? ORDER BY e.idx, s.pos LIMIT ?", keyId, limit);
    }

    private List<Hit> hits(String sql, String arg, int limit) throws SQLException {
        List<Hit> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Hit(rs.getLong(1), rs.getString(2), rs.getString(3),
                            (ObjectNode) JSON.readTree(rs.getString(4)), rs.getBoolean(5)));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("stored identity is not JSON", e);
            }
            db.commit();
        }
        return out;
    }

    /** How many entries the index holds (each exactly once). */
    synchronized long entryCount() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM entries")) {
            rs.next();
            long n = rs.getLong(1);
            db.commit();
            return n;
        }
    }

    /** Every distinct (subject, issuer) pair, or key for bare-key entries, with counts and first and last index. */
    synchronized List<IdentityReport.Row> identities() throws SQLException {
        List<IdentityReport.Row> rows = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT subject, issuer, CASE WHEN subject IS NULL THEN key_id END AS k, COUNT(*), MIN(idx), MAX(idx),"
                        + " BOOL_AND(allowed) FROM signers GROUP BY subject, issuer, k ORDER BY MIN(idx)")) {
            while (rs.next()) {
                rows.add(new IdentityReport.Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getBoolean(7)));
            }
            db.commit();
        }
        return rows;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing: nothing to recover
        }
    }
}
