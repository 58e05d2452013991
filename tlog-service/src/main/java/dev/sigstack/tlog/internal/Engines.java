package dev.sigstack.tlog.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sigstack.core.h2.H2Urls;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.tlog.LogEngine;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Opens the store and the engines over it; the public face is {@link dev.sigstack.tlog.TlogDatabase}. */
public final class Engines implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final JdbcLogStore store;
    private final String jdbcUrl;
    private final String selfUrl;
    private final Duration leaseTtl;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private Engines(HikariDataSource dataSource, JdbcLogStore store, String jdbcUrl, String selfUrl,
            Duration leaseTtl) {
        this.dataSource = dataSource;
        this.store = store;
        this.jdbcUrl = jdbcUrl;
        this.selfUrl = selfUrl;
        this.leaseTtl = leaseTtl;
    }

    /** Connects, and applies pending schema migrations; the sequencing lease has its default time to live. */
    public static Engines open(String jdbcUrl, int poolSize, String selfUrl) throws SQLException {
        return open(jdbcUrl, poolSize, selfUrl, defaultLeaseTtl());
    }

    /** The sequencing lease's default time to live (20 s): a standby takes over within about this long. */
    public static Duration defaultLeaseTtl() {
        return Lease.DEFAULT_TTL;
    }

    /**
     * Connects, and applies pending schema migrations.
     *
     * @param leaseTtl on PostgreSQL, how long the sequencing lease outlives its holder's last renewal: a standby
     *     takes over within about this long of the holder being frozen or cut off (at least 2 s)
     */
    public static Engines open(String jdbcUrl, int poolSize, String selfUrl, Duration leaseTtl) throws SQLException {
        Dialect dialect = Dialect.ofJdbcUrl(jdbcUrl);
        if (leaseTtl.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("the lease time to live must be at least 2 s, not " + leaseTtl);
        }
        HikariConfig cfg = new HikariConfig();
        // H2: WRITE_DELAY=0, so a commit is in the file before LogEngine.add returns and an acknowledged entry
        // survives SIGKILL (H2's default writes commits up to 500 ms later); docs/operations.md#durability
        cfg.setJdbcUrl(dialect == Dialect.H2 ? H2Urls.durable(jdbcUrl) : jdbcUrl);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(Math.min(2, poolSize));
        cfg.setPoolName("tlog");
        cfg.setConnectionTimeout(10_000);
        cfg.setInitializationFailTimeout(30_000);
        if (dialect == Dialect.POSTGRES) {
            // a sequenced batch's INSERTs go as multi-row statements rather than one statement per entry
            cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
            // Plan every execution for its parameters. A server-prepared statement otherwise switches to a generic
            // plan, and a generic plan made while the log is young keeps that young log's shape: the batch dedup
            // lookup (dedup_key = ANY(?)) planned on an empty table scanned every entry of the log through the
            // (log) prefix of the index, 3.4 ms per batch at 8,000 entries and growing with the log.
            // A transaction left open by a frozen or cut-off holder (it holds log_sequence or log_state FOR UPDATE
            // and the lease row FOR KEY SHARE) is ended by the server after a quarter of the lease's time to live,
            // so a standby's takeover and first writes never wait for the kernel to notice the holder is gone.
            cfg.setConnectionInitSql("SET plan_cache_mode = force_custom_plan; "
                    + "SET idle_in_transaction_session_timeout = " + leaseTtl.toMillis() / 4);
            // The pool's socket timeout: a statement whose connection is black-holed fails after the lease's time to
            // live (at least 10 s) instead of the kernel's TCP retransmission timeout (about 15 minutes), so the
            // request waiting for it is answered. Statements of the write and read paths take milliseconds;
            // migrations run without it.
            cfg.addDataSourceProperty("socketTimeout", Long.toString(socketTimeout(leaseTtl).toSeconds()));
            cfg.addDataSourceProperty("connectTimeout", "10");
        }
        HikariDataSource ds = new HikariDataSource(cfg);
        try {
            JdbcLogStore store = new JdbcLogStore(ds, dialect);
            store.migrate();
            return new Engines(ds, store, jdbcUrl, selfUrl, leaseTtl);
        } catch (SQLException | RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** The pool's socket timeout on PostgreSQL for a lease time to live. */
    static Duration socketTimeout(Duration leaseTtl) {
        return Duration.ofSeconds(Math.max(10, (leaseTtl.toMillis() + 999) / 1000));
    }

    /** The pool (tests look at how its connections are set up). */
    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** Opens one log: it sequences while this process holds that log's lease, and serves reads always. */
    public synchronized Handle openLog(String origin, NoteSigner signer) throws SQLException {
        return openLog(origin, signer, null);
    }

    /** {@link #openLog(String, NoteSigner, java.nio.file.Path, java.nio.file.Path)} with the state file beside the key. */
    public synchronized Handle openLog(String origin, NoteSigner signer, java.nio.file.Path keyFile)
            throws SQLException {
        return openLog(origin, signer, keyFile, null);
    }

    /**
     * Opens one log, checking its store against what it promised ({@link IntegrityCheck}) before it serves or
     * sequences.
     *
     * @param keyFile the log key's file, which names the file where the copy of those promises is kept (null: none)
     * @param stateDir the folder of that file (null: the key's folder)
     * @throws dev.sigstack.tlog.LogIntegrityException when the store holds less than the log published or acknowledged
     */
    public synchronized Handle openLog(String origin, NoteSigner signer, java.nio.file.Path keyFile,
            java.nio.file.Path stateDir) throws SQLException {
        PublishedState promises;
        try {
            promises = keyFile == null ? null : PublishedState.open(stateDir == null
                    ? PublishedState.beside(keyFile, origin) : PublishedState.in(stateDir, keyFile, origin), origin);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("opening the log state file failed: " + e.getMessage(), e);
        }
        TiledLogEngine engine;
        Lease lease = new Lease(dataSource, store.dialect(), jdbcUrl, origin, selfUrl, leaseTtl);
        try {
            if (store.dialect() == Dialect.POSTGRES) {
                store.fence(origin, lease); // every sequencing and integration transaction checks the fencing token
            }
            engine = new TiledLogEngine(store, origin, signer, TiledLogEngine.Options.defaults(), Clock.systemUTC(),
                    lease, promises);
        } catch (SQLException | RuntimeException e) {
            lease.close();
            if (promises != null) {
                try {
                    promises.close();
                } catch (java.io.IOException ignored) {
                    // failing anyway
                }
            }
            throw e;
        }
        opened.add(engine);
        opened.add(lease);
        return new Handle(engine, lease);
    }

    /** A log engine with its lease and the extras that are not part of {@link LogEngine}. */
    public static final class Handle {
        private final TiledLogEngine engine;
        private final Lease lease;

        private Handle(TiledLogEngine engine, Lease lease) {
            this.engine = engine;
            this.lease = lease;
        }

        public LogEngine engine() {
            return engine;
        }

        /** True while this process sequences the log. */
        public boolean holdsLease() {
            return lease.getAsBoolean();
        }

        /** Where writes go when this process does not hold the lease. */
        public String leaseHolderUrl() {
            return lease.holderUrl();
        }

        public long appendedSinceStart() {
            return engine.appendedSinceStart();
        }

        public long integrationLag() {
            return engine.integrationLag();
        }

        public int queued() {
            return engine.queued();
        }

        /** Stores a verified witness cosignature line for the checkpoint of {@code treeSize}. */
        public void addCosignature(long treeSize, String witness, String line) throws SQLException {
            engine.addCosignature(treeSize, witness, line);
        }
    }

    @Override
    public synchronized void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        dataSource.close();
    }
}
