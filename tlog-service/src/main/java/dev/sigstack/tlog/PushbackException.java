package dev.sigstack.tlog;

import java.time.Duration;

/** The sequencer is saturated: answer 503 with Retry-After {@link #retryAfter()} rather than queueing more. */
public final class PushbackException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public PushbackException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
