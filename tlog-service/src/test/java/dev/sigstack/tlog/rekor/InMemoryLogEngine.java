package dev.sigstack.tlog.rekor;

import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.PushbackException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A test-only {@link LogEngine} in memory: RFC 6962 tree, checkpoints published on every add, signed as C2SP notes
 * with the given key (ECDSA: SHA-256 over the note text, key hint SHA-256(DER)[0:4]; Ed25519: key hint of the
 * C2SP key hash). It stands in for the real engine until that is on this branch.
 */
final class InMemoryLogEngine implements LogEngine {
    private final String origin;
    private final String signerName;
    private final KeyPair noteKey;
    private final byte[] keyHint;
    private final List<byte[]> leaves = new ArrayList<>();
    private final List<byte[]> leafHashes = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final Map<String, Long> dedup = new HashMap<>();
    private final Map<String, List<Long>> index = new HashMap<>();
    private PublishedCheckpoint checkpoint;
    volatile boolean saturated;
    volatile boolean publishing = true;

    InMemoryLogEngine(String origin, String signerName, KeyPair noteKey, byte[] keyHint) {
        this.origin = origin;
        this.signerName = signerName;
        this.noteKey = noteKey;
        this.keyHint = Arrays.copyOf(keyHint, 4);
        this.checkpoint = sign(0, sha256(new byte[0]));
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public synchronized Sequenced add(NewEntry entry) throws DuplicateEntryException, PushbackException {
        if (saturated) {
            throw new PushbackException("sequencer saturated", Duration.ofSeconds(3));
        }
        String key = HexFormat.of().formatHex(entry.dedupKey());
        Long existing = dedup.get(key);
        if (existing != null) {
            throw new DuplicateEntryException(existing);
        }
        long i = leaves.size();
        leaves.add(entry.leafData().clone());
        leafHashes.add(leafHash(entry.leafData()));
        long now = System.currentTimeMillis();
        times.add(now);
        dedup.put(key, i);
        for (String k : entry.indexKeys()) {
            index.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
        }
        if (publishing) {
            checkpoint = sign(leaves.size(), root(0, leaves.size()));
        }
        return new Sequenced(i, now);
    }

    @Override
    public synchronized PublishedCheckpoint awaitIntegrated(long index, Duration timeout) {
        return checkpoint;
    }

    @Override
    public synchronized PublishedCheckpoint checkpoint() {
        return checkpoint;
    }

    @Override
    public synchronized Optional<StoredEntry> entry(long i) {
        if (i < 0 || i >= leaves.size()) {
            return Optional.empty();
        }
        return Optional.of(new StoredEntry(i, leaves.get((int) i).clone(), new byte[0], times.get((int) i)));
    }

    @Override
    public synchronized Optional<Long> indexOfDedupKey(byte[] dedupKey) {
        return Optional.ofNullable(dedup.get(HexFormat.of().formatHex(dedupKey)));
    }

    @Override
    public synchronized List<Long> search(String indexKey, int limit) {
        List<Long> hits = index.getOrDefault(indexKey, List.of());
        return List.copyOf(hits.subList(0, Math.min(limit, hits.size())));
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

    // RFC 6962 section 2.1, over leaves [from, from + n)

    private byte[] root(int from, int n) {
        if (n == 0) {
            return sha256(new byte[0]);
        }
        if (n == 1) {
            return leafHashes.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return node(root(from, k), root(from + k, n - k));
    }

    private List<byte[]> path(int m, int from, int n) {
        List<byte[]> out = new ArrayList<>();
        if (n <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            out.addAll(path(m, from, k));
            out.add(root(from + k, n - k));
        } else {
            out.addAll(path(m - k, from + k, n - k));
            out.add(root(from, k));
        }
        return out;
    }

    private List<byte[]> subproof(int m, int from, int n, boolean complete) {
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!complete) {
                out.add(root(from, n));
            }
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m <= k) {
            out.addAll(subproof(m, from, k, complete));
            out.add(root(from + k, n - k));
        } else {
            out.addAll(subproof(m - k, from + k, n - k, false));
            out.add(root(from, k));
        }
        return out;
    }

    private PublishedCheckpoint sign(long size, byte[] root) {
        String text = origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
        try {
            Signature s = Signature.getInstance(noteKey.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "Ed25519");
            s.initSign(noteKey.getPrivate());
            s.update(text.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            blob.writeBytes(keyHint);
            blob.writeBytes(s.sign());
            String note = text + "\n\u2014 " + signerName + " " + Base64.getEncoder().encodeToString(blob.toByteArray()) + "\n";
            return new PublishedCheckpoint(size, root, note);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] leafHash(byte[] data) {
        byte[] in = new byte[data.length + 1];
        System.arraycopy(data, 0, in, 1, data.length);
        return sha256(in);
    }

    private static byte[] node(byte[] l, byte[] r) {
        byte[] in = new byte[65];
        in[0] = 1;
        System.arraycopy(l, 0, in, 1, 32);
        System.arraycopy(r, 0, in, 33, 32);
        return sha256(in);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
