package dev.sigstack.tlog.ct;

/** A submitted chain is not acceptable to the log (answer 400 with the message). */
public final class InvalidChainException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidChainException(String message) {
        super(message);
    }
}
