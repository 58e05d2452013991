package dev.sigstack.monitor;

/** An entry whose body the monitor cannot decode. */
final class MalformedEntryException extends Exception {
    MalformedEntryException(String message) {
        super(message);
    }

    MalformedEntryException(String message, Throwable cause) {
        super(message, cause);
    }
}
