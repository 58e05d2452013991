package dev.sigstack.tlog.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The sequencing lease: which process sequences and integrates a log that several processes share on one
 * PostgreSQL. Embedded H2 has one process by construction, so its lease is always held.
 *
 * <p>On PostgreSQL the lease is the log's row in {@code leases}: its holder, a fencing token ({@code epoch}, one
 * more at every acquisition) and an expiry on the database's clock ({@code expires_at}). It is not a session
 * advisory lock: the server keeps such a lock as long as it believes the session alive, and it learns that a
 * frozen (SIGSTOP, long GC) or cut-off holder is gone only when TCP keepalive gives up, about two hours by default
 * (and never while a frozen holder's kernel still answers). The bounds are:
 * <ul>
 *   <li>The holder renews every {@code ttl/4}. A standby takes the row once it has expired, so it takes over at most
 *       {@code ttl} plus one poll ({@code min(1 s, ttl/10)}) after the holder's last renewal. When the holder's
 *       lease connection is gone from the server (a killed or crashed holder), it takes the row at its next poll.</li>
 *   <li>The holder counts itself the holder only until {@code ttl - ttl/10} after it sent its last successful
 *       renewal (monotonic clock; before the row expires on the database's clock), so a holder cut off from the
 *       database stops sequencing within the same bound, and a thawed holder sees at once that its time is up.</li>
 *   <li>Fencing: every sequencing and integration transaction first reads the lease row with its own token and an
 *       unexpired expiry {@code FOR KEY SHARE} ({@link JdbcLogStore.Fence}). A standby takes the row with
 *       {@code SELECT ... FOR UPDATE}, which waits for such transactions; so a write either commits before the
 *       takeover or fails, and a holder that thaws after the takeover writes nothing. Renewals
 *       ({@code FOR NO KEY UPDATE}) do not wait for the holder's own writes.</li>
 *   <li>An open transaction of a frozen holder would keep that lock: the pool's connections set
 *       {@code idle_in_transaction_session_timeout} (see {@link Engines}), so the server ends it.</li>
 *   <li>The lease talks to the database on its own connection (not a pooled one), with connect, login and
 *       network timeouts of {@code ttl/4} and a {@code lock_timeout} of {@code ttl/8}: a black-holed connection fails in bounded
 *       time and is then thrown away, never handed to anyone else.</li>
 * </ul>
 *
 * <p>Upstream: Trillian's SQL election ({@code util/election2/sql}) is a leader row whose timestamp expires after
 * ten election intervals, and Kubernetes' client-go leader election a Lease object with a duration, renewed before a
 * deadline shorter than the duration; this lease follows them and adds what neither writes with: a fencing token
 * checked inside the write transaction. Tessera's MySQL driver serialises writers with {@code SELECT ... FOR UPDATE}
 * on its tree-state row, as {@link JdbcLogStore#sequence} does on {@code log_sequence}: that alone keeps indices
 * unique even with two writers; the lease keeps a second writer from existing.
 */
final class Lease implements BooleanSupplier, JdbcLogStore.Fence, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Lease.class.getName());
    /** The default time to live of the lease: a standby takes over within about this long of the holder's end. */
    static final Duration DEFAULT_TTL = Duration.ofSeconds(20);

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String jdbcUrl;
    private final String log;
    private final String selfUrl;
    private final String holderId = UUID.randomUUID().toString();
    private final long ttlMillis;
    private final long renewMillis;
    private final long retryMillis;
    private final long validNanos;
    private final int timeoutMillis;
    private final Thread poller;
    private final LongSupplier nanoClock;
    /** The fencing token this process holds, 0 for none. */
    private volatile long epoch;
    /** {@link System#nanoTime} until which this process counts itself the holder. */
    private volatile long validUntil;
    private Connection connection; // poller thread (and close)
    private boolean rowCreated; // poller thread
    private volatile boolean closed;

    /**
     * @param dataSource the pool (for {@link #holderUrl})
     * @param jdbcUrl the URL the lease opens its own connection with (PostgreSQL)
     */
    Lease(DataSource dataSource, Dialect dialect, String jdbcUrl, String log, String selfUrl, Duration ttl) {
        this(dataSource, dialect, jdbcUrl, log, selfUrl, ttl, System::nanoTime);
    }

    /** With the monotonic clock this process reads for its own idea of the lease (tests stop it to play a pause). */
    Lease(DataSource dataSource, Dialect dialect, String jdbcUrl, String log, String selfUrl, Duration ttl,
            LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        if (ttl.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("the lease time to live must be at least 2 s, not " + ttl);
        }
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbcUrl = jdbcUrl;
        this.log = log;
        this.selfUrl = selfUrl == null ? "" : selfUrl;
        this.ttlMillis = ttl.toMillis();
        this.renewMillis = ttlMillis / 4;
        this.retryMillis = Math.min(1000, ttlMillis / 10);
        this.validNanos = Duration.ofMillis(ttlMillis - ttlMillis / 10).toNanos();
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, ttlMillis / 4);
        if (dialect == Dialect.H2) {
            epoch = 1;
            validUntil = Long.MAX_VALUE;
            poller = null;
        } else {
            acquire();
            poller = Thread.ofPlatform().name("lease-" + log).daemon().start(this::poll);
        }
    }

    /** How long after its last renewal a holder that is cut off or frozen keeps the lease on the database. */
    Duration ttl() {
        return Duration.ofMillis(ttlMillis);
    }

    /** True while this process holds the lease (and may sequence). */
    @Override
    public boolean getAsBoolean() {
        if (dialect == Dialect.H2) {
            return !closed;
        }
        return !closed && epoch != 0 && nanoClock.getAsLong() - validUntil < 0;
    }

    /** The fencing token this process holds now, 0 for none (tests). */
    long epoch() {
        return getAsBoolean() ? epoch : 0;
    }

    @Override
    public void check(Connection c) throws SQLException {
        long e = epoch;
        if (!getAsBoolean()) {
            throw new LeaseLostException("this replica no longer holds the sequencing lease of " + log);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM leases WHERE log = ? AND holder_id = ? "
                + "AND epoch = ? AND expires_at > clock_timestamp() FOR KEY SHARE")) {
            ps.setString(1, log);
            ps.setString(2, holderId);
            ps.setLong(3, e);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new LeaseLostException("the sequencing lease of " + log + " has expired or moved to another "
                            + "replica (fencing token " + e + " is stale)");
                }
            }
        }
    }

    private void poll() {
        while (!closed) {
            try {
                Thread.sleep(epoch != 0 && getAsBoolean() ? renewMillis : retryMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            if (epoch != 0) {
                renew(); // also when this process's own time ran out: the row may still be its own
            } else {
                acquire();
            }
        }
    }

    private synchronized Connection connection() throws SQLException {
        if (connection == null) {
            Properties p = new Properties();
            int seconds = Math.max(1, timeoutMillis / 1000);
            p.setProperty("connectTimeout", Integer.toString(seconds));
            p.setProperty("loginTimeout", Integer.toString(seconds));
            p.setProperty("socketTimeout", Integer.toString(seconds));
            p.setProperty("ApplicationName", "sigstack-lease");
            Connection c = DriverManager.getConnection(jdbcUrl, p);
            try {
                c.setNetworkTimeout(Runnable::run, timeoutMillis);
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    // shorter than the network timeout: a lock wait ends with the server's error, not a dead socket
                    s.execute("SET lock_timeout = " + timeoutMillis / 2);
                    s.execute("SET idle_in_transaction_session_timeout = " + timeoutMillis);
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /** Closes the lease's connection without waiting for a server that may not answer. */
    private synchronized void dropConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already broken
            }
        }
    }

    /** Creates the log's lease row (free) unless it exists; acquire() calls it again until it has worked once. */
    private synchronized void createRow() {
        try (PreparedStatement ps = connection().prepareStatement(
                "INSERT INTO leases (log, holder_url) VALUES (?, '') ON CONFLICT (log) DO NOTHING")) {
            ps.setString(1, log);
            ps.executeUpdate();
            rowCreated = true;
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "creating the lease row of " + log + " failed; retrying", e);
            dropConnection();
        }
    }

    /** Takes the lease if it is free or expired; a new fencing token every time. */
    private synchronized void acquire() {
        if (closed) {
            return;
        }
        if (!rowCreated) {
            createRow();
        }
        Connection c = null;
        try {
            c = connection();
            long sent = nanoClock.getAsLong();
            c.setAutoCommit(false);
            long newEpoch = 0;
            // free: released, expired, or its holder's lease session is gone (a killed holder: no need to wait for
            // the expiry; pid only, which pg_stat_activity shows for every role's sessions)
            try (PreparedStatement free = c.prepareStatement("SELECT epoch FROM leases l WHERE log = ? "
                    + "AND (expires_at IS NULL OR expires_at <= clock_timestamp() OR holder_pid IS NULL "
                    + "OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.holder_pid)) FOR UPDATE OF l")) {
                free.setString(1, log);
                try (ResultSet rs = free.executeQuery()) {
                    if (rs.next()) {
                        newEpoch = rs.getLong(1) + 1;
                    }
                }
            }
            if (newEpoch == 0) {
                c.rollback(); // held by another process (or the row is missing: created on the next round)
                c.setAutoCommit(true);
                return;
            }
            try (PreparedStatement take = c.prepareStatement("UPDATE leases SET epoch = ?, holder_id = ?, "
                    + "holder_url = ?, holder_pid = pg_backend_pid(), "
                    + "expires_at = clock_timestamp() + ? * INTERVAL '1 millisecond' WHERE log = ?")) {
                take.setLong(1, newEpoch);
                take.setString(2, holderId);
                take.setString(3, selfUrl);
                take.setLong(4, ttlMillis);
                take.setString(5, log);
                take.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
            validUntil = sent + validNanos;
            epoch = newEpoch;
            LOG.info("acquired the sequencing lease for " + log + " (fencing token " + newEpoch + ")");
        } catch (SQLException e) {
            // lock_timeout while an old holder's transaction ends, or the database is unreachable: next round
            LOG.log(Level.FINE, "lease attempt failed", e);
            dropConnection();
        }
    }

    /** Extends the lease this process holds; gives it up when the row says another process took it. */
    private synchronized void renew() {
        long e = epoch;
        try (PreparedStatement ps = connection().prepareStatement("UPDATE leases SET expires_at = clock_timestamp() "
                + "+ ? * INTERVAL '1 millisecond', holder_pid = pg_backend_pid() "
                + "WHERE log = ? AND holder_id = ? AND epoch = ? AND expires_at > clock_timestamp()")) {
            long sent = nanoClock.getAsLong();
            ps.setLong(1, ttlMillis);
            ps.setString(2, log);
            ps.setString(3, holderId);
            ps.setLong(4, e);
            if (ps.executeUpdate() == 1) {
                validUntil = sent + validNanos;
            } else {
                epoch = 0;
                LOG.warning("lost the sequencing lease for " + log + ": it expired or another replica took it");
            }
        } catch (SQLException ex) {
            // the lease stays this process's until validUntil; the next round reconnects
            LOG.log(Level.WARNING, "renewing the sequencing lease for " + log + " failed", ex);
            dropConnection();
        }
    }

    /** The URL of the process that holds an unexpired lease, as it recorded it, or empty. */
    String holderUrl() {
        if (dialect == Dialect.H2) {
            return selfUrl;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT holder_url FROM leases WHERE log = ? AND expires_at > clock_timestamp()")) {
            ps.setString(1, log);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            return "";
        }
    }

    /** Stops renewing and frees the row, so that a standby need not wait for it to expire. */
    @Override
    public void close() {
        closed = true;
        if (poller == null) {
            return;
        }
        poller.interrupt();
        synchronized (this) {
            long e = epoch;
            epoch = 0;
            if (e != 0 && connection != null) {
                try (PreparedStatement ps = connection.prepareStatement("UPDATE leases SET expires_at = NULL "
                        + "WHERE log = ? AND holder_id = ? AND epoch = ?")) {
                    ps.setString(1, log);
                    ps.setString(2, holderId);
                    ps.setLong(3, e);
                    ps.executeUpdate();
                } catch (SQLException ex) {
                    LOG.log(Level.FINE, "releasing the sequencing lease failed; it expires instead", ex);
                }
            }
            dropConnection();
        }
    }

    /** A write refused because this process no longer holds the log's lease (a deposed or frozen holder). */
    static final class LeaseLostException extends SQLException {
        private static final long serialVersionUID = 1L;

        LeaseLostException(String message) {
            super(message, "55000"); // object_not_in_prerequisite_state
        }
    }
}
