package dev.sigstack.tlog;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One append-only Merkle log (RFC 6962 hashing, C2SP tlog-tiles storage).
 *
 * <p>The contract is what a log needs, not CRUD: {@link #add} returns an index that is already durable,
 * and integration into tiles and a signed checkpoint runs behind it in batches. Rekor v1, Rekor v2 and the
 * CT log are each one {@code LogEngine} over the same store, told apart by their log name.
 */
public interface LogEngine extends AutoCloseable {

    /** The log's name in the store and its checkpoint origin. */
    String origin();

    /**
     * Sequences one entry. When this returns, the entry, its index keys and its index are committed to the
     * store (it survives a crash of this process).
     *
     * @throws DuplicateEntryException if an entry with the same {@link NewEntry#dedupKey()} exists
     * @throws PushbackException when the sequencer is saturated: answer 503 with Retry-After
     */
    Sequenced add(NewEntry entry) throws DuplicateEntryException, PushbackException;

    /** Waits until the entry at {@code index} is covered by a published checkpoint, and returns that checkpoint. */
    PublishedCheckpoint awaitIntegrated(long index, Duration timeout) throws InterruptedException;

    /** The newest published checkpoint (its size may lag the sequenced size). */
    PublishedCheckpoint checkpoint();

    /** The stored entry at {@code index}, if sequenced. */
    Optional<StoredEntry> entry(long index);

    /** The index of the entry with this dedup key, if any. */
    Optional<Long> indexOfDedupKey(byte[] dedupKey);

    /** Indices of entries that were stored with this index key (Rekor's search index). */
    List<Long> search(String indexKey, int limit);

    /** RFC 6962 audit path for {@code index} in the tree of {@code treeSize} (at most the published size). */
    List<byte[]> inclusionProof(long index, long treeSize);

    /** RFC 6962 consistency proof between two published tree sizes. */
    List<byte[]> consistencyProof(long fromSize, long toSize);

    /** A C2SP tlog-tiles hash tile (level, index, width 1..256), if integrated. */
    Optional<byte[]> tile(int level, long index, int width);

    /** A C2SP tlog-tiles entry bundle (index, width 1..256), if integrated. */
    Optional<byte[]> entryBundle(long index, int width);

    @Override
    void close();

    /**
     * The most index keys stored for one entry; an entry's further keys are not indexed (the entry is logged).
     * One intoto statement may name any number of subjects and materials, and all of an entry's keys are written in
     * the transaction that sequences its batch: unbounded, one statement would stall every entry sequenced with it.
     */
    int MAX_INDEX_KEYS = 1024;

    /**
     * The longest index key stored, in UTF-16 chars (at most as many characters): a longer key is not indexed
     * (the entry is logged). Rekor's MySQL index column is {@code varchar(512)}, and its search API refuses
     * subjects longer than 512 characters, so no search could ask for a longer key.
     */
    int MAX_INDEX_KEY_CHARS = 512;

    /**
     * The index keys of an entry that the log stores: in order, without duplicates, without empty keys, keys
     * longer than {@link #MAX_INDEX_KEY_CHARS}, keys holding U+0000 (PostgreSQL text cannot hold it) or an unpaired
     * surrogate (not Unicode: the PostgreSQL driver writes each as '?', so two such keys became one and the batch
     * failed on the duplicate), and at most {@link #MAX_INDEX_KEYS} of them.
     */
    static List<String> indexableKeys(List<String> keys) {
        if (keys == null || keys.isEmpty()) {
            return List.of();
        }
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String k : keys) {
            if (out.size() >= MAX_INDEX_KEYS) {
                break;
            }
            if (k != null && !k.isEmpty() && k.length() <= MAX_INDEX_KEY_CHARS && k.indexOf(0) < 0 && unicode(k)) {
                out.add(k);
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code s} is well-formed UTF-16: every surrogate is half of a pair. */
    private static boolean unicode(String s) {
        return s.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    /**
     * What a caller hands to {@link #add}: the leaf data that is hashed into the tree, and what is kept beside it.
     * The index keys are cut to {@link #indexableKeys}.
     */
    record NewEntry(byte[] leafData, byte[] dedupKey, List<String> indexKeys, byte[] extraData) {
        public NewEntry {
            if (leafData == null || leafData.length == 0 || leafData.length > 65535) {
                throw new IllegalArgumentException("leaf data must be 1..65535 bytes (tlog-tiles entry bundle limit)");
            }
            indexKeys = indexableKeys(indexKeys);
            extraData = extraData == null ? new byte[0] : extraData;
        }
    }

    /** The result of {@link #add}: the durable index and the time the log assigned (epoch milliseconds). */
    record Sequenced(long index, long integratedTimeMillis) { }

    /** A stored entry. */
    record StoredEntry(long index, byte[] leafData, byte[] extraData, long integratedTimeMillis) { }

    /** A checkpoint as published: the parsed size and root, and the signed note text served at /checkpoint. */
    record PublishedCheckpoint(long size, byte[] rootHash, String signedNote) { }
}
