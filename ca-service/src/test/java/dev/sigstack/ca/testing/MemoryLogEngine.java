package dev.sigstack.ca.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;

/**
 * A test-only, add-only {@link LogEngine} for the CA's CT log: it sequences entries and answers lookups; it
 * builds no tree (the CA only needs add-pre-chain). The CT log's proofs are tested in tlog-service.
 */
public final class MemoryLogEngine implements LogEngine {
    private final List<StoredEntry> entries = new ArrayList<>();
    private final Map<String, Long> dedup = new HashMap<>();
    private final Map<String, List<Long>> index = new HashMap<>();

    @Override
    public String origin() {
        return "ct-test";
    }

    @Override
    public synchronized Sequenced add(NewEntry e) throws DuplicateEntryException {
        String k = HexFormat.of().formatHex(e.dedupKey());
        if (dedup.containsKey(k)) {
            throw new DuplicateEntryException(dedup.get(k));
        }
        long i = entries.size();
        entries.add(new StoredEntry(i, e.leafData(), e.extraData(), System.currentTimeMillis()));
        dedup.put(k, i);
        e.indexKeys().forEach(key -> index.computeIfAbsent(key, x -> new ArrayList<>()).add(i));
        return new Sequenced(i, System.currentTimeMillis());
    }

    public synchronized int size() {
        return entries.size();
    }

    @Override
    public PublishedCheckpoint awaitIntegrated(long i, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public PublishedCheckpoint checkpoint() {
        return new PublishedCheckpoint(0, new byte[32], "");
    }

    @Override
    public synchronized Optional<StoredEntry> entry(long i) {
        return i < entries.size() ? Optional.of(entries.get((int) i)) : Optional.empty();
    }

    @Override
    public synchronized Optional<Long> indexOfDedupKey(byte[] key) {
        return Optional.ofNullable(dedup.get(HexFormat.of().formatHex(key)));
    }

    @Override
    public synchronized List<Long> search(String key, int limit) {
        List<Long> l = index.getOrDefault(key, List.of());
        return List.copyOf(l.subList(0, Math.min(limit, l.size())));
    }

    @Override
    public List<byte[]> inclusionProof(long i, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<byte[]> consistencyProof(long a, long b) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<byte[]> tile(int level, long i, int width) {
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> entryBundle(long i, int width) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
