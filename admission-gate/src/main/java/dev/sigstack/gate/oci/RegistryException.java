package dev.sigstack.gate.oci;

/** A registry that could not be read, or answered something unusable; the message names the request. */
public final class RegistryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    /** With the HTTP status (0 when none). */
    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** With a cause. */
    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0. */
    public int status() {
        return status;
    }

    /** True for 404. */
    public boolean notFound() {
        return status == 404;
    }
}
