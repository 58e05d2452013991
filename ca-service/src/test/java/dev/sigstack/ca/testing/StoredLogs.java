package dev.sigstack.ca.testing;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.internal.Engines;
import java.security.KeyPair;
import java.util.UUID;

/** The real log engine on an in-memory H2 database, for CT logs in tests (no stand-in engine). */
public final class StoredLogs implements AutoCloseable {
    private final Engines engines;
    private final LogEngine engine;

    public StoredLogs(String origin, KeyPair checkpointKey) throws Exception {
        engines = Engines.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4, "");
        engine = engines.openLog(origin,
                NoteKeys.ecdsaSigner(origin.replace('/', '.'), checkpointKey.getPrivate(), checkpointKey.getPublic()))
                .engine();
    }

    public LogEngine engine() {
        return engine;
    }

    /** Entries sequenced so far. */
    public long size() {
        long n = 0;
        while (engine.entry(n).isPresent()) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        engines.close();
    }
}
