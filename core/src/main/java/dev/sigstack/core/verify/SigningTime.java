package dev.sigstack.core.verify;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified time at which the signature existed.
 *
 * @param source what vouches for it
 * @param by     the log's base URL, or which RFC 3161 timestamp of the bundle
 * @param time   the time
 */
public record SigningTime(Source source, String by, Instant time) {
    public enum Source { TRANSPARENCY_LOG, TIMESTAMP_AUTHORITY }

    public SigningTime {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(time, "time");
    }
}
