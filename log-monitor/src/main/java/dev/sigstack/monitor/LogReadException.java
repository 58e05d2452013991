package dev.sigstack.monitor;

import java.io.IOException;

/** The log could not be read: unreachable, an HTTP error, or a response that is too large. */
final class LogReadException extends IOException {
    LogReadException(String message) {
        super(message);
    }

    LogReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
