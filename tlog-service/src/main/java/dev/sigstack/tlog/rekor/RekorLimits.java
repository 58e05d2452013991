package dev.sigstack.tlog.rekor;

import java.time.Duration;

/**
 * Request limits and waits for the Rekor APIs.
 *
 * @param maxRequestBytes the largest request body accepted; larger ones get 413 (Rekor's
 *     {@code max_request_body_size})
 * @param maxSearchResults the most entry UUIDs {@code /api/v1/index/retrieve} returns
 * @param integrationTimeout how long a write waits for its entry to be in a published checkpoint
 */
public record RekorLimits(long maxRequestBytes, int maxSearchResults, Duration integrationTimeout) {
    /** 32 MiB bodies (Rekor's default for attestations), 1000 search results, 10 s integration wait. */
    public static final RekorLimits DEFAULTS = new RekorLimits(32L << 20, 1000, Duration.ofSeconds(10));

    public RekorLimits {
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive");
        }
        if (maxSearchResults < 1) {
            throw new IllegalArgumentException("maxSearchResults must be positive");
        }
        if (integrationTimeout == null || integrationTimeout.isNegative()) {
            throw new IllegalArgumentException("integrationTimeout must be zero or positive");
        }
    }
}
