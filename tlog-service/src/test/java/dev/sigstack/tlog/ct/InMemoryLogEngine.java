package dev.sigstack.tlog.ct;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * A test-only {@link LogEngine}: everything in memory, integrated at once, RFC 6962 §2.1 hashing computed
 * straight from the definitions. Stands in until the stored engine is available.
 */
public final class InMemoryLogEngine implements LogEngine {
    private final List<StoredEntry> entries = new ArrayList<>();
    private final List<byte[]> leafHashes = new ArrayList<>();
    private final Map<String, Long> dedup = new HashMap<>();
    private final Map<String, List<Long>> index = new HashMap<>();

    @Override
    public String origin() {
        return "ct-test";
    }

    @Override
    public synchronized Sequenced add(NewEntry entry) throws DuplicateEntryException {
        String key = HexFormat.of().formatHex(entry.dedupKey());
        Long existing = dedup.get(key);
        if (existing != null) {
            throw new DuplicateEntryException(existing);
        }
        long i = entries.size();
        long now = System.currentTimeMillis();
        entries.add(new StoredEntry(i, entry.leafData(), entry.extraData(), now));
        leafHashes.add(hash(new byte[] {0}, entry.leafData()));
        dedup.put(key, i);
        for (String k : entry.indexKeys()) {
            index.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
        }
        return new Sequenced(i, now);
    }

    @Override
    public PublishedCheckpoint awaitIntegrated(long index, Duration timeout) {
        return checkpoint();
    }

    @Override
    public synchronized PublishedCheckpoint checkpoint() {
        return new PublishedCheckpoint(entries.size(), mth(0, entries.size()), "");
    }

    @Override
    public synchronized Optional<StoredEntry> entry(long i) {
        return i >= 0 && i < entries.size() ? Optional.of(entries.get((int) i)) : Optional.empty();
    }

    @Override
    public synchronized Optional<Long> indexOfDedupKey(byte[] dedupKey) {
        return Optional.ofNullable(dedup.get(HexFormat.of().formatHex(dedupKey)));
    }

    @Override
    public synchronized List<Long> search(String indexKey, int limit) {
        List<Long> l = index.getOrDefault(indexKey, List.of());
        return List.copyOf(l.subList(0, Math.min(limit, l.size())));
    }

    @Override
    public synchronized List<byte[]> inclusionProof(long i, long treeSize) {
        return path((int) i, 0, (int) treeSize);
    }

    @Override
    public synchronized List<byte[]> consistencyProof(long fromSize, long toSize) {
        return subproof((int) fromSize, 0, (int) toSize, true);
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

    private byte[] mth(int from, int to) {
        int n = to - from;
        if (n == 0) {
            return hash(new byte[0], new byte[0]);
        }
        if (n == 1) {
            return leafHashes.get(from);
        }
        int k = split(n);
        return hash(new byte[] {1}, concat(mth(from, from + k), mth(from + k, to)));
    }

    private List<byte[]> path(int m, int from, int to) {
        int n = to - from;
        List<byte[]> out = new ArrayList<>();
        if (n <= 1) {
            return out;
        }
        int k = split(n);
        if (m < k) {
            out.addAll(path(m, from, from + k));
            out.add(mth(from + k, to));
        } else {
            out.addAll(path(m - k, from + k, to));
            out.add(mth(from, from + k));
        }
        return out;
    }

    private List<byte[]> subproof(int m, int from, int to, boolean b) {
        int n = to - from;
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) {
                out.add(mth(from, to));
            }
            return out;
        }
        int k = split(n);
        if (m <= k) {
            out.addAll(subproof(m, from, from + k, b));
            out.add(mth(from + k, to));
        } else {
            out.addAll(subproof(m - k, from + k, to, false));
            out.add(mth(from, from + k));
        }
        return out;
    }

    private static int split(int n) {
        int k = 1;
        while (k << 1 < n) {
            k <<= 1;
        }
        return k;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] hash(byte[] prefix, byte[] data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(prefix);
            return md.digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
