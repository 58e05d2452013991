package dev.sigstack.gate.verify;

/** An image that an authority does not admit; the message is the user-facing reason, in cosign's words. */
public final class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the reason. */
    public VerificationException(String message) {
        super(message);
    }

    /** With the reason and cause. */
    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
