package dev.sigstack.tlog.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The sequencing lease. On PostgreSQL it is a session advisory lock held on a dedicated connection: exactly
 * one process holds it, and it is released by the server when that process (or its connection) dies, so a
 * standby takes over within one poll interval. The holder records its URL so that standbys can forward writes.
 * Embedded H2 has one process by construction, so its lease is always held.
 */
final class Lease implements BooleanSupplier, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Lease.class.getName());

    private final DataSource dataSource;
    private final Dialect dialect;
    private final long lockKey;
    private final String log;
    private final String selfUrl;
    private final AtomicBoolean held = new AtomicBoolean();
    private final Thread poller;
    private volatile Connection connection;
    private volatile boolean closed;

    Lease(DataSource dataSource, Dialect dialect, String log, String selfUrl) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.log = log;
        this.lockKey = 0x5157_0000_0000_0000L ^ log.hashCode();
        this.selfUrl = selfUrl == null ? "" : selfUrl;
        if (dialect == Dialect.H2) {
            held.set(true);
            poller = null;
        } else {
            tryAcquire();
            poller = Thread.ofPlatform().name("lease-" + log).daemon().start(this::poll);
        }
    }

    @Override
    public boolean getAsBoolean() {
        return held.get();
    }

    private void poll() {
        while (!closed) {
            try {
                Thread.sleep(held.get() ? 1000 : 500);
            } catch (InterruptedException e) {
                return;
            }
            if (held.get()) {
                checkStillHeld();
            } else {
                tryAcquire();
            }
        }
    }

    private synchronized void tryAcquire() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, lockKey);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        recordHolder();
                        held.set(true);
                        LOG.info("acquired the sequencing lease for " + log);
                    }
                }
            }
        } catch (SQLException e) {
            LOG.log(Level.FINE, "lease attempt failed", e);
            dropConnection();
        }
    }

    private void recordHolder() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO leases (log, holder_url) VALUES (?, ?) "
                        + "ON CONFLICT (log) DO UPDATE SET holder_url = EXCLUDED.holder_url")) {
            ps.setString(1, log);
            ps.setString(2, selfUrl);
            ps.executeUpdate();
        }
    }

    private synchronized void checkStillHeld() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1")) {
            ps.executeQuery().close();
        } catch (SQLException | NullPointerException e) {
            LOG.warning("lost the sequencing lease for " + log + ": its connection failed");
            held.set(false);
            dropConnection();
        }
    }

    private void dropConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
        connection = null;
    }

    /** The URL of the process that holds the lease, as it recorded it, or empty. */
    String holderUrl() {
        if (dialect == Dialect.H2) {
            return selfUrl;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT holder_url FROM leases WHERE log = ?")) {
            ps.setString(1, log);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (poller != null) {
            poller.interrupt();
        }
        held.set(false);
        dropConnection();
    }
}
