package dev.sigstack.gate.verify;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The engine's verdicts: one policy's outcome for one image in one context, keyed on every input in full (never a
 * hash of them), bounded by entries and by bytes, and expiring a fixed time after it was written. Concurrent requests
 * for one key share one verification. Caffeine weighs an entry once its verdict is known; each weighs at least
 * {@code maxBytes / maxEntries}, so the byte budget also caps the number of entries (Caffeine takes one bound).
 */
final class VerdictCache {
    /** Default bounds: ten thousand verdicts, 32 MiB of keys and verdicts. */
    static final long DEFAULT_MAX_ENTRIES = 10_000;
    static final long DEFAULT_MAX_BYTES = 32L << 20;

    /**
     * Every input of a verdict. {@code context} is the workload's spec, metadata and type metadata as JSON text when
     * the policy reads them ({@code includeSpec} and the like), and empty otherwise.
     */
    record Key(String digest, String repository, String revision, String environment, String namespace,
            String credentials, String context) {
        long bytes() {
            return 64 + 2L * (digest.length() + repository.length() + revision.length() + environment.length()
                    + namespace.length() + credentials.length() + context.length());
        }
    }

    private final AsyncCache<Key, PolicyEngine.PolicyOutcome> cache;
    private final long minWeight;

    VerdictCache(Clock clock, Duration ttl, long maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < maxEntries) {
            throw new IllegalArgumentException("verdict cache bounds: at least one entry and one byte per entry");
        }
        this.minWeight = maxBytes / maxEntries;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .<Key, PolicyEngine.PolicyOutcome>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE,
                        Math.max(minWeight, k.bytes() + bytes(v))))
                .expireAfterWrite(ttl)
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .buildAsync();
    }

    private static long bytes(PolicyEngine.PolicyOutcome o) {
        long n = 64;
        for (List<String> l : List.of(o.matched(), o.errors())) {
            for (String s : l) {
                n += 40 + 2L * s.length();
            }
        }
        return n;
    }

    /**
     * The verdict for {@code key}: the cached or in-flight one (counted in {@code hits}), or else {@code compute}
     * run on the caller's thread. A verdict that throws is not kept.
     */
    CompletableFuture<PolicyEngine.PolicyOutcome> get(Key key, java.util.concurrent.atomic.AtomicLong hits,
            Supplier<PolicyEngine.PolicyOutcome> compute) {
        CompletableFuture<PolicyEngine.PolicyOutcome> mine = new CompletableFuture<>();
        CompletableFuture<PolicyEngine.PolicyOutcome> theirs = cache.asMap().putIfAbsent(key, mine);
        if (theirs != null) {
            hits.incrementAndGet();
            return theirs;
        }
        try {
            mine.complete(compute.get());
        } catch (RuntimeException e) {
            mine.completeExceptionally(e); // Caffeine drops a failed future
        }
        return mine;
    }

    /** Forgets {@code key} if it still holds {@code verdict} (a refusal caused by an unreachable registry). */
    void forget(Key key, CompletableFuture<PolicyEngine.PolicyOutcome> verdict) {
        cache.asMap().remove(key, verdict);
    }

    void invalidateAll() {
        cache.synchronous().invalidateAll();
    }

    /** Entries now, after pending evictions. */
    long size() {
        cache.synchronous().cleanUp();
        return cache.synchronous().estimatedSize();
    }

    /** The weight (bytes, each entry at least its floor) now held. */
    long weight() {
        cache.synchronous().cleanUp();
        return cache.synchronous().policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }
}
