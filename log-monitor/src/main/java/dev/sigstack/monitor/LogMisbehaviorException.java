package dev.sigstack.monitor;

/** The log served something that an honest log never serves: a bad signature, a rollback, or a fork. */
final class LogMisbehaviorException extends Exception {
    private final AlertType type;

    LogMisbehaviorException(AlertType type, String message) {
        super(message);
        this.type = type;
    }

    LogMisbehaviorException(AlertType type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    AlertType type() {
        return type;
    }
}
