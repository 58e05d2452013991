package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.tlog.LogEngine.NewEntry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The lease's fencing on the real PostgreSQL: a holder that still believes it holds the lease (its process was
 * paused between its own check and its write) writes nothing once a standby has taken over, and a standby never takes
 * over while a fenced transaction of the holder is open.
 */
final class LeaseTest {
    private static final String LOG = "lease.test";
    private static final Duration TTL = Duration.ofSeconds(2); // the least allowed: keeps the test short

    @Test
    void check_holderPausedPastItsExpiry_standbyTakesOverAndTheHoldersWriteIsRefused() throws Exception {
        String db = Databases.postgres();
        try (Engines engines = Engines.open(db, 2, ""); BlackHoleProxy proxy = BlackHoleProxy.in(db)) {
            JdbcLogStore store = new JdbcLogStore(engines.dataSource(), Dialect.POSTGRES);
            store.ensureLog(LOG, Rfc6962.emptyRoot(), "empty");
            // the holder's own clock stands still, as a paused process's clock seems to it: it still believes it holds
            // the lease when it resumes; its lease connection goes through the proxy, so it cannot renew
            AtomicLong holderClock = new AtomicLong(System.nanoTime());
            try (Lease holder = new Lease(engines.dataSource(), Dialect.POSTGRES, proxy.route(db), LOG, "http://holder",
                    TTL, holderClock::get)) {
                assertTrue(holder.getAsBoolean(), "the first lease is free");
                long token = holder.epoch();
                store.fence(LOG, holder);
                assertEquals(0, store.sequence(LOG, List.of(entry("before")), 1)[0],
                        "the holder writes while it holds");

                proxy.blackHole();
                long cut = System.nanoTime();
                try (Lease standby = new Lease(engines.dataSource(), Dialect.POSTGRES, db, LOG, "http://standby",
                        TTL)) {
                    long tookOver = awaitHeld(standby, Duration.ofSeconds(10));
                    long ms = (tookOver - cut) / 1_000_000;
                    System.out.printf("standby took over %d ms after the holder was cut off (ttl %s)%n", ms, TTL);
                    assertTrue(ms <= TTL.toMillis() + 1500, "took over within the ttl and a poll: " + ms + " ms");
                    assertTrue(standby.epoch() > token, "a new fencing token");
                    assertTrue(holder.getAsBoolean(), "the paused holder still believes it holds the lease");

                    // the paused holder resumes and writes: refused, and nothing is written
                    SQLException refused = assertThrows(SQLException.class,
                            () -> store.sequence(LOG, List.of(entry("after")), 2));
                    assertTrue(refused instanceof Lease.LeaseLostException, refused.toString());
                    assertEquals(1, nextIndex(db), "the deposed holder wrote nothing");
                    assertEquals(1, count(db), "the deposed holder wrote nothing");

                    // the new holder writes at the next index
                    store.fence(LOG, standby);
                    assertEquals(1, store.sequence(LOG, List.of(entry("standby")), 3)[0]);
                }
            }
        }
    }

    @Test
    void acquire_holdersFencedTransactionOpen_standbyWaitsForItToEnd() throws Exception {
        String db = Databases.postgres();
        try (Engines engines = Engines.open(db, 2, ""); BlackHoleProxy proxy = BlackHoleProxy.in(db)) {
            JdbcLogStore store = new JdbcLogStore(engines.dataSource(), Dialect.POSTGRES);
            store.ensureLog(LOG, Rfc6962.emptyRoot(), "empty");
            AtomicLong holderClock = new AtomicLong(System.nanoTime());
            try (Lease holder = new Lease(engines.dataSource(), Dialect.POSTGRES, proxy.route(db), LOG, "http://holder",
                    TTL, holderClock::get);
                    Connection write = DriverManager.getConnection(db)) {
                write.setAutoCommit(false);
                holder.check(write); // a sequencing transaction has passed its fence, and then the holder stalls
                proxy.blackHole();
                try (Lease standby = new Lease(engines.dataSource(), Dialect.POSTGRES, db, LOG, "http://standby",
                        TTL)) {
                    Thread.sleep(TTL.toMillis() * 2);
                    assertFalse(standby.getAsBoolean(), "no takeover while the holder's fenced transaction is open");
                    try (PreparedStatement ps = write.prepareStatement(
                            "UPDATE log_sequence SET next_index = next_index + 1 WHERE log = ?")) {
                        ps.setString(1, LOG);
                        ps.executeUpdate();
                    }
                    write.commit(); // the write that passed its fence commits before the takeover, not after it
                    awaitHeld(standby, Duration.ofSeconds(5));
                    assertEquals(1, nextIndex(db));
                }
            }
        }
    }

    @Test
    void pool_transactionLeftOpenByAStalledHolder_serverEndsItAfterAQuarterOfTheTtl() throws Exception {
        String db = Databases.postgres();
        try (Engines engines = Engines.open(db, 2, "", TTL);
                Connection c = engines.dataSource().getConnection()) {
            JdbcLogStore store = new JdbcLogStore(engines.dataSource(), Dialect.POSTGRES);
            store.ensureLog(LOG, Rfc6962.emptyRoot(), "empty");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT next_index FROM log_sequence WHERE log = ? FOR UPDATE")) {
                ps.setString(1, LOG);
                ps.executeQuery().close(); // holds the sequencer's row lock, then the holder stalls
            }
            long stalled = System.nanoTime();
            // another process's sequencer gets the row once the server has ended the stalled transaction
            try (Connection other = DriverManager.getConnection(db)) {
                other.setAutoCommit(false);
                try (PreparedStatement ps = other.prepareStatement(
                        "SELECT next_index FROM log_sequence WHERE log = ? FOR UPDATE")) {
                    ps.setString(1, LOG);
                    ps.executeQuery().close();
                }
                long waitedMs = (System.nanoTime() - stalled) / 1_000_000;
                System.out.printf("the stalled transaction's row lock was free after %d ms (ttl %s)%n", waitedMs, TTL);
                assertTrue(waitedMs < TTL.toMillis(), "the server ended the stalled transaction: " + waitedMs + " ms");
                other.rollback();
            }
            assertThrows(SQLException.class, () -> c.createStatement().executeQuery("SELECT 1"),
                    "the stalled holder's session was ended");
        }
    }

    private static long awaitHeld(Lease lease, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!lease.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the lease was not taken within " + limit);
            }
            Thread.sleep(10);
        }
        return System.nanoTime();
    }

    private static NewEntry entry(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return new NewEntry(data, Rfc6962.leafHash(data), List.of(), null);
    }

    private static long nextIndex(String db) throws SQLException {
        return single(db, "SELECT next_index FROM log_sequence WHERE log = ?");
    }

    private static long count(String db) throws SQLException {
        return single(db, "SELECT COUNT(*) FROM entries WHERE log = ?");
    }

    private static long single(String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, LOG);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
