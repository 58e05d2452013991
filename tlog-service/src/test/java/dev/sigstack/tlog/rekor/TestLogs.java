package dev.sigstack.tlog.rekor;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.PushbackException;
import dev.sigstack.tlog.internal.Engines;
import java.security.KeyPair;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Real logs for the Rekor API tests: the production engine on a private in-memory H2 database, with checkpoints
 * signed as the service will sign them.
 */
final class TestLogs {
    private TestLogs() {
    }

    private static Engines engines() {
        try {
            return Engines.open("jdbc:h2:mem:rekor-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4, "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Rekor v1 log: origin {@code "<host> - <treeID>"}, ECDSA signature named {@code host}. */
    static SaturableLog v1(String host, long treeId, KeyPair ecdsa) {
        NoteSigner signer = NoteKeys.ecdsaSigner(host, ecdsa.getPrivate(), ecdsa.getPublic());
        try {
            return new SaturableLog(engines().openLog(host + " - " + treeId, signer).engine());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Rekor v2 log: origin and signer name {@code host}; Ed25519 (C2SP key hash) or ECDSA (SHA-256 of DER). */
    static SaturableLog v2(String host, KeyPair key) {
        NoteSigner signer;
        if (key.getPrivate().getAlgorithm().equals("EC")) {
            signer = NoteKeys.ecdsaSigner(host, key.getPrivate(), key.getPublic());
        } else {
            byte[] pkcs8 = key.getPrivate().getEncoded();
            signer = NoteKeys.ed25519Signer(host, Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
        }
        try {
            return new SaturableLog(engines().openLog(host, signer).engine());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real engine, with a switch that makes {@link #add} refuse as a saturated sequencer does. */
    static final class SaturableLog implements LogEngine {
        private final LogEngine engine;
        volatile boolean saturated;

        SaturableLog(LogEngine engine) {
            this.engine = engine;
        }

        @Override
        public String origin() {
            return engine.origin();
        }

        @Override
        public Sequenced add(NewEntry entry) throws DuplicateEntryException, PushbackException {
            if (saturated) {
                throw new PushbackException("sequencer saturated", Duration.ofSeconds(3));
            }
            return engine.add(entry);
        }

        @Override
        public PublishedCheckpoint awaitIntegrated(long index, Duration timeout) throws InterruptedException {
            return engine.awaitIntegrated(index, timeout);
        }

        @Override
        public PublishedCheckpoint checkpoint() {
            return engine.checkpoint();
        }

        @Override
        public Optional<StoredEntry> entry(long index) {
            return engine.entry(index);
        }

        @Override
        public Optional<Long> indexOfDedupKey(byte[] dedupKey) {
            return engine.indexOfDedupKey(dedupKey);
        }

        @Override
        public List<Long> search(String indexKey, int limit) {
            return engine.search(indexKey, limit);
        }

        @Override
        public List<byte[]> inclusionProof(long index, long treeSize) {
            return engine.inclusionProof(index, treeSize);
        }

        @Override
        public List<byte[]> consistencyProof(long fromSize, long toSize) {
            return engine.consistencyProof(fromSize, toSize);
        }

        @Override
        public Optional<byte[]> tile(int level, long index, int width) {
            return engine.tile(level, index, width);
        }

        @Override
        public Optional<byte[]> entryBundle(long index, int width) {
            return engine.entryBundle(index, width);
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
