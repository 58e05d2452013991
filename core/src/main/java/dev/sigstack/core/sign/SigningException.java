package dev.sigstack.core.sign;

/** A signing step cannot proceed: an unusable signing config, token, or service answer. The message says which. */
public final class SigningException extends Exception {
    private static final long serialVersionUID = 1L;

    public SigningException(String message) {
        super(message);
    }

    public SigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
