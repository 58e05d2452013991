package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogEngine.NewEntry;
import dev.sigstack.tlog.LogIntegrityException;
import dev.sigstack.tlog.PushbackException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack tests of the start-up integrity check, on H2 and on the private PostgreSQL: a log publishes checkpoints and
 * acknowledges entries, then its stored rows are tampered with behind it (as a lost tail of commits, a restored
 * backup or a careless DELETE would), and the log must refuse to open with one line, and never give an
 * acknowledged index to another entry.
 */
final class IntegrityCheckTest {
    private static final String ORIGIN = "integrity.test";

    @TempDir
    Path tmp;

    private final NoteSigner signer = NoteKeys.ed25519Signer(ORIGIN, seed());

    private static byte[] seed() {
        byte[] seed = new byte[32];
        seed[3] = 42;
        return seed;
    }

    private String url(String store) throws Exception {
        return store.equals("h2") ? Databases.h2(tmp) : Databases.postgres();
    }

    private Path keyFile() {
        return tmp.resolve("log-key.pem"); // only its name matters: the state file sits beside it
    }

    private static NewEntry entry(String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        return new NewEntry(data, Rfc6962.leafHash(data), List.of("text:" + text), null);
    }

    /** Appends {@code n} entries (from {@code first}) and waits until a checkpoint covers them all. */
    private static LogEngine.PublishedCheckpoint append(LogEngine log, int first, int n) throws Exception {
        for (int i = first; i < first + n; i++) {
            assertEquals(i, log.add(entry("entry-" + i)).index());
        }
        return log.awaitIntegrated(first + n - 1, Duration.ofSeconds(30));
    }

    /** The engine once it holds the sequencing lease (on PostgreSQL a reopened log takes it within a poll). */
    private static LogEngine sequencing(Engines.Handle h) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!h.holdsLease()) {
            assertTrue(System.nanoTime() < deadline, "the reopened log did not take the sequencing lease");
            Thread.sleep(50);
        }
        return h.engine();
    }

    private LogIntegrityException refusedOpen(String url) throws Exception {
        try (Engines engines = Engines.open(url, 4, "")) {
            LogIntegrityException e = assertThrows(LogIntegrityException.class,
                    () -> engines.openLog(ORIGIN, signer, keyFile()));
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            assertTrue(e.getMessage().contains("\"" + ORIGIN + "\""), e.getMessage());
            assertEquals(ORIGIN, e.log());
            return e;
        }
    }

    private static void sql(String url, String statement, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private static long query(String url, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(statement)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String b64(byte[] root) {
        return Base64.getEncoder().encodeToString(root);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_untamperedStore_opensAndKeepsAppendingAtTheNextIndex(String store) throws Exception {
        String url = url(store);
        try (Engines engines = Engines.open(url, 4, "")) {
            append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 300);
        }
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = sequencing(engines.openLog(ORIGIN, signer, keyFile()));
            assertEquals(300, log.checkpoint().size());
            assertEquals(300, log.add(entry("after-restart")).index());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_lastEntriesDeletedBehindPublishedCheckpoint_refusesWithStoredAndPublishedSizeAndRoot(String store)
            throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint published;
        byte[] rootAt290;
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = engines.openLog(ORIGIN, signer, keyFile()).engine();
            rootAt290 = append(log, 0, 290).rootHash();
            published = append(log, 290, 10);
        }
        assertEquals(300, published.size());
        sql(url, "DELETE FROM entries WHERE log = ? AND idx >= 290", ORIGIN);

        LogIntegrityException e = refusedOpen(url);
        assertEquals(290, e.storedSize());
        assertEquals(b64(rootAt290), e.storedRoot(), "the root the stored tiles give at the size the entries reach");
        assertEquals(300, e.publishedSize());
        assertEquals(b64(published.rootHash()), e.publishedRoot());
        assertTrue(e.getMessage().contains("stored size 290 root " + b64(rootAt290) + ", published size 300 root "
                + b64(published.rootHash())), e.getMessage());
        // it refused before sequencing anything: nothing was written at the lost indexes
        assertEquals(0, query(url, "SELECT COUNT(*) FROM entries WHERE idx >= 290"));
        assertEquals(300, query(url, "SELECT next_index FROM log_sequence"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_rightEdgeTileDeleted_refuses(String store) throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint published;
        try (Engines engines = Engines.open(url, 4, "")) {
            published = append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 300);
        }
        sql(url, "DELETE FROM tiles WHERE log = ? AND level = 0 AND idx = 1", ORIGIN);

        LogIntegrityException e = refusedOpen(url);
        assertEquals(300, e.publishedSize());
        assertEquals(b64(published.rootHash()), e.publishedRoot());
        assertEquals(null, e.storedRoot(), "no root can be computed without the tile");
        assertTrue(e.getMessage().contains("stored tiles are missing"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_lastEntryRewritten_refuses(String store) throws Exception {
        String url = url(store);
        try (Engines engines = Engines.open(url, 4, "")) {
            append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 20);
        }
        sql(url, "UPDATE entries SET leaf_data = ? WHERE log = ? AND idx = 19",
                "another entry".getBytes(StandardCharsets.UTF_8), ORIGIN);

        LogIntegrityException e = refusedOpen(url);
        assertEquals(19, e.storedSize());
        assertTrue(e.getMessage().contains("entry at index 19 is not the one in the tree"), e.getMessage());
    }

    /**
     * The whole store goes back to an earlier consistent state: entries, index keys, the sequence and the state row
     * with its checkpoint, as a restored backup (or a lost tail of commits) leaves it. Nothing in the database
     * disagrees with anything else; only the copy of the promises outside it shows the loss.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_rowsAndCheckpointRowRolledBackTogether_refusesThroughTheStateFile(String store) throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint old;
        LogEngine.PublishedCheckpoint published;
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = engines.openLog(ORIGIN, signer, keyFile()).engine();
            old = append(log, 0, 200);
            published = append(log, 200, 100);
        }
        assertEquals(200, old.size());
        rollBack(url, old);

        LogIntegrityException e = refusedOpen(url);
        assertEquals(200, e.storedSize());
        assertEquals(b64(old.rootHash()), e.storedRoot());
        assertEquals(300, e.publishedSize());
        assertEquals(b64(published.rootHash()), e.publishedRoot());
        assertTrue(e.getMessage().contains("behind the checkpoint the log published"), e.getMessage());

        // the oracle: the same store opens when the state file is gone (the database alone cannot tell), and then
        // gives index 200, acknowledged before, to another entry
        Files.delete(PublishedState.beside(keyFile(), ORIGIN));
        try (Engines engines = Engines.open(url, 4, "")) {
            assertEquals(200, sequencing(engines.openLog(ORIGIN, signer, keyFile())).add(entry("a fork")).index());
        }
    }

    /**
     * The store lost its newest integration (as H2 did to a SIGKILL in StackCrashIT) but kept every sequenced entry:
     * the entries are integrated again at start, the root at the published size is the published one, and the log
     * goes on at its next index.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_integrationLostEntriesKept_reintegratedToThePublishedRoot(String store) throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint old;
        LogEngine.PublishedCheckpoint published;
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = engines.openLog(ORIGIN, signer, keyFile()).engine();
            old = append(log, 0, 200);
            published = append(log, 200, 100);
        }
        sql(url, "UPDATE log_state SET integrated_size = ?, root_hash = ?, checkpoint = ? WHERE log = ?", old.size(),
                old.rootHash(), old.signedNote(), ORIGIN);
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = sequencing(engines.openLog(ORIGIN, signer, keyFile()));
            assertEquals(300, log.checkpoint().size());
            assertArrayEquals(published.rootHash(), log.checkpoint().rootHash());
            assertEquals(300, log.add(entry("after-repair")).index());
        }
    }

    /** The same lost integration over an entry that was rewritten: integrated again it gives another root: refused. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_integrationLostAndEntryRewritten_refuses(String store) throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint old;
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = engines.openLog(ORIGIN, signer, keyFile()).engine();
            old = append(log, 0, 200);
            append(log, 200, 100);
        }
        sql(url, "UPDATE log_state SET integrated_size = ?, root_hash = ?, checkpoint = ? WHERE log = ?", old.size(),
                old.rootHash(), old.signedNote(), ORIGIN);
        sql(url, "UPDATE entries SET leaf_data = ? WHERE log = ? AND idx = 250", "forged".getBytes(), ORIGIN);
        LogIntegrityException e = refusedOpen(url);
        assertEquals(300, e.publishedSize());
        assertTrue(e.getMessage().contains("not the published one"), e.getMessage());
    }

    /** The state file is damaged in both slots: what was published cannot be told, so the log does not start. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_stateFileDamaged_refusesWithOneLine(String store) throws Exception {
        String url = url(store);
        try (Engines engines = Engines.open(url, 4, "")) {
            append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 5);
        }
        Path file = PublishedState.beside(keyFile(), ORIGIN);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 20; i < bytes.length; i += PublishedState.SLOT) {
            bytes[i] ^= 1;
        }
        Files.write(file, bytes);

        LogIntegrityException e = refusedOpen(url);
        assertEquals(5, e.storedSize());
        assertEquals(-1, e.publishedSize());
        assertTrue(e.getMessage().contains("published size unknown: the log state file " + file
                + " has no intact record"), e.getMessage());
    }

    /** The database is replaced by an empty one (a new PostgreSQL schema, deleted H2 files) under the same log key. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_emptyDatabaseUnderAPublishedLog_refuses(String store) throws Exception {
        LogEngine.PublishedCheckpoint published;
        try (Engines engines = Engines.open(url(store), 4, "")) {
            published = append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 30);
        }
        String fresh = store.equals("h2") ? Databases.h2(tmp.resolve("fresh")) : Databases.postgres();
        LogIntegrityException e = refusedOpen(fresh);
        assertEquals(0, e.storedSize());
        assertEquals(b64(Rfc6962.emptyRoot()), e.storedRoot());
        assertEquals(30, e.publishedSize());
        assertEquals(b64(published.rootHash()), e.publishedRoot());
    }

    /**
     * Entries acknowledged but not yet in a checkpoint when the store lost them: the sequencer committed indexes
     * 90..99 and the log acknowledged them (the state file says so), then the store lost 95..99 and its next index
     * went back to 95. Reopening must refuse, and never give 95 to another entry.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_acknowledgedUnintegratedRowsDeletedAndNextIndexReset_refusesAndNeverReusesAnIndex(String store)
            throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint published;
        try (Engines engines = Engines.open(url, 4, "")) {
            published = append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 90);
        }
        acknowledgeWithoutIntegrating(url, 90, 10, published);
        sql(url, "DELETE FROM index_keys WHERE log = ? AND idx >= 95", ORIGIN);
        sql(url, "DELETE FROM entries WHERE log = ? AND idx >= 95", ORIGIN);
        sql(url, "UPDATE log_sequence SET next_index = 95 WHERE log = ?", ORIGIN);

        LogIntegrityException e = refusedOpen(url);
        assertEquals(90, e.storedSize());
        assertEquals(90, e.publishedSize());
        assertTrue(e.getMessage().contains("indexes up to 99 were acknowledged but the store's next index is 95"),
                e.getMessage());
        assertEquals(0, query(url, "SELECT COUNT(*) FROM entries WHERE idx >= 95"), "nothing at an acknowledged index");
        assertEquals(95, query(url, "SELECT next_index FROM log_sequence"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void open_acknowledgedUnintegratedRowsDeleted_refuses(String store) throws Exception {
        String url = url(store);
        LogEngine.PublishedCheckpoint published;
        try (Engines engines = Engines.open(url, 4, "")) {
            published = append(engines.openLog(ORIGIN, signer, keyFile()).engine(), 0, 90);
        }
        acknowledgeWithoutIntegrating(url, 90, 10, published);
        sql(url, "DELETE FROM entries WHERE log = ? AND idx >= 97", ORIGIN);

        LogIntegrityException e = refusedOpen(url);
        assertTrue(e.getMessage().contains("3 of the entries sequenced at indexes 90..99"), e.getMessage());
    }

    /** A running log whose store loses acknowledged rows stops sequencing instead of giving their indexes out. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void add_storeNextIndexWentBackWhileRunning_haltsAndNeverReusesAnIndex(String store) throws Exception {
        String url = url(store);
        try (Engines engines = Engines.open(url, 4, "")) {
            LogEngine log = engines.openLog(ORIGIN, signer, keyFile()).engine();
            append(log, 0, 50);
            sql(url, "DELETE FROM index_keys WHERE log = ? AND idx >= 45", ORIGIN);
            sql(url, "DELETE FROM entries WHERE log = ? AND idx >= 45", ORIGIN);
            sql(url, "UPDATE log_sequence SET next_index = 45 WHERE log = ?", ORIGIN);

            // the sequencer's check in its transaction, or the integrator's look at the store, whichever is first
            Exception first = assertThrows(Exception.class, () -> log.add(entry("x")));
            assertTrue(first instanceof PushbackException || first.getCause() instanceof LogIntegrityException,
                    first.toString());
            PushbackException later = assertThrows(PushbackException.class, () -> log.add(entry("y")));
            assertTrue(later.getMessage().contains("indexes up to 49 were acknowledged"), later.getMessage());
            assertEquals(0, query(url, "SELECT COUNT(*) FROM entries WHERE idx >= 45"),
                    "nothing was written at an acknowledged index");
        }
    }

    /**
     * What the engine does for a batch and then a crash before integration: the store commits it, and the state
     * file records the next index, synced, before the callers are answered.
     */
    private void acknowledgeWithoutIntegrating(String url, int first, int n, LogEngine.PublishedCheckpoint cp)
            throws Exception {
        List<NewEntry> batch = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            batch.add(entry("entry-" + i));
        }
        try (Engines engines = Engines.open(url, 2, "")) {
            JdbcLogStore store = new JdbcLogStore(engines.dataSource(), Dialect.ofJdbcUrl(url));
            long[] indexes = store.sequence(ORIGIN, batch, System.currentTimeMillis(), first);
            assertEquals(first + n - 1, indexes[n - 1]);
        }
        try (PublishedState state = PublishedState.open(PublishedState.beside(keyFile(), ORIGIN), ORIGIN)) {
            state.record(new PublishedState.Promise(first + n, cp.size(), cp.rootHash(), cp.signedNote()));
        }
    }

    /** Puts the whole store back to the state of checkpoint {@code to}, consistently. */
    private static void rollBack(String url, LogEngine.PublishedCheckpoint to) throws Exception {
        sql(url, "DELETE FROM index_keys WHERE log = ? AND idx >= ?", ORIGIN, to.size());
        sql(url, "DELETE FROM entries WHERE log = ? AND idx >= ?", ORIGIN, to.size());
        sql(url, "UPDATE log_sequence SET next_index = ? WHERE log = ?", to.size(), ORIGIN);
        sql(url, "UPDATE log_state SET integrated_size = ?, root_hash = ?, checkpoint = ? WHERE log = ?", to.size(),
                to.rootHash(), to.signedNote(), ORIGIN);
        // tiles only grow: their newer versions hold the older tree's hashes, as a backup's would
        try (Engines engines = Engines.open(url, 2, "")) {
            JdbcLogStore store = new JdbcLogStore(engines.dataSource(), Dialect.ofJdbcUrl(url));
            IntegrityCheck.run(store, ORIGIN, null); // consistent in itself: the database alone sees nothing wrong
            assertArrayEquals(to.rootHash(), Proofs.root(to.size(), new dev.sigstack.core.tiles.TileHashReader(
                    (level, index) -> {
                        try {
                            return store.tile(ORIGIN, level, index);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    })));
        }
    }
}
