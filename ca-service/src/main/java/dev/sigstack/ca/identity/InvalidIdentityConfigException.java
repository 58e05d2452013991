package dev.sigstack.ca.identity;

/** The identity config file cannot be read or violates one of Fulcio's rules. */
public final class InvalidIdentityConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidIdentityConfigException(String message) {
        super(message);
    }

    public InvalidIdentityConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
