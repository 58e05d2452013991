package dev.sigstack.ca.identity;

/**
 * The identity token is refused. The message says why and never contains the token.
 */
public final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
