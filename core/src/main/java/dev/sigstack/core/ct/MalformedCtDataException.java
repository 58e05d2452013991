package dev.sigstack.core.ct;

/** Bytes that should hold an RFC 6962 structure do not. */
public final class MalformedCtDataException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedCtDataException(String message) {
        super(message);
    }
}
