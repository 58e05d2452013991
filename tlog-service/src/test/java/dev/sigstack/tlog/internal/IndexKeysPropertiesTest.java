package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogEngine.NewEntry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated hostile index keys (any chars, U+0000, lone surrogates, empty, up to 700 chars, up to 1,300 keys) on an
 * entry sequenced beside an honest one, on H2 and PostgreSQL: the hostile entry is logged with a bounded key set
 * that every store holds, every key it kept is found by search, and the honest entry is logged too. A key that a
 * store cannot hold would fail the shared batch, and with it the honest entry.
 */
class IndexKeysPropertiesTest {
    private static final AtomicLong N = new AtomicLong();
    private static Engines h2;
    private static LogEngine h2Log;
    private static Engines pg;
    private static LogEngine pgLog;

    private static synchronized LogEngine h2() throws SQLException {
        if (h2 == null) {
            h2 = Engines.open("jdbc:h2:mem:keys-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4, "");
            h2Log = h2.openLog("keys.h2.test", NoteKeys.ed25519Signer("keys.h2.test", new byte[32])).engine();
        }
        return h2Log;
    }

    private static synchronized LogEngine pg() throws SQLException {
        if (pg == null) {
            pg = Engines.open(Databases.postgres(), 4, ""); // skips without the private PostgreSQL
            pgLog = pg.openLog("keys.pg.test", NoteKeys.ed25519Signer("keys.pg.test", new byte[32])).engine();
        }
        return pgLog;
    }

    @AfterContainer
    static void close() {
        if (h2 != null) {
            h2.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Provide
    Arbitrary<List<String>> hostileKeys() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(700);
        Arbitrary<String> nul = Arbitraries.strings().alpha().ofMaxLength(20).map(s -> s + "\u0000" + s);
        Arbitrary<String> surrogate = Arbitraries.strings().alpha().ofMaxLength(20).map(s -> s + "\ud800" + s);
        Arbitrary<String> otherSurrogate = Arbitraries.strings().alpha().ofMaxLength(2).map(s -> s + "\udc00");
        Arbitrary<String> aroundBound = Arbitraries.integers().between(500, 620).map("k"::repeat);
        Arbitrary<String> key = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, any), net.jqwik.api.Tuple.of(1, nul),
                net.jqwik.api.Tuple.of(1, surrogate), net.jqwik.api.Tuple.of(1, otherSurrogate),
                net.jqwik.api.Tuple.of(2, aroundBound));
        return Arbitraries.oneOf(key.list().ofMaxSize(40), key.list().ofMinSize(1000).ofMaxSize(1300));
    }

    @Property(tries = 40)
    void add_hostileKeysBesideHonestEntry_h2(@ForAll("hostileKeys") List<String> keys) throws Exception {
        check(h2(), keys);
    }

    @Property(tries = 40)
    void add_hostileKeysBesideHonestEntry_postgres(@ForAll("hostileKeys") List<String> keys) throws Exception {
        check(pg(), keys);
    }

    private static void check(LogEngine log, List<String> keys) throws Exception {
        long n = N.incrementAndGet();
        byte[] hostileData = ("hostile " + n).getBytes(StandardCharsets.UTF_8);
        byte[] honestData = ("honest " + n).getBytes(StandardCharsets.UTF_8);
        NewEntry hostile = new NewEntry(hostileData, Rfc6962.leafHash(hostileData), keys, null);
        NewEntry honest = new NewEntry(honestData, Rfc6962.leafHash(honestData), List.of("honest:" + n), null);
        // the bound itself: what reaches the store
        assertTrue(hostile.indexKeys().size() <= LogEngine.MAX_INDEX_KEYS);
        for (String k : hostile.indexKeys()) {
            assertTrue(!k.isEmpty() && k.length() <= LogEngine.MAX_INDEX_KEY_CHARS, k);
        }
        CompletableFuture<LogEngine.Sequenced> a = CompletableFuture.supplyAsync(() -> add(log, hostile));
        CompletableFuture<LogEngine.Sequenced> b = CompletableFuture.supplyAsync(() -> add(log, honest));
        long hostileIndex = a.get(30, TimeUnit.SECONDS).index(); // throws when the store refused it
        long honestIndex = b.get(30, TimeUnit.SECONDS).index();
        assertEquals(List.of(honestIndex), log.search("honest:" + n, 10));
        for (String k : hostile.indexKeys()) {
            assertTrue(log.search(k, 10_000).contains(hostileIndex), "kept key not found: " + k);
        }
    }

    private static LogEngine.Sequenced add(LogEngine log, NewEntry e) {
        try {
            return log.add(e);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
