package dev.sigstack.monitor;

/** An allowlist file that cannot be read or is invalid; the message names the rule and the field. */
final class AllowlistException extends Exception {
    AllowlistException(String message) {
        super(message);
    }

    AllowlistException(String message, Throwable cause) {
        super(message, cause);
    }
}
