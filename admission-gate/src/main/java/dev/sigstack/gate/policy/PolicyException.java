package dev.sigstack.gate.policy;

/** A ClusterImagePolicy or TrustRoot that cannot be used; the message is the user-facing reason. */
public final class PolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a user-facing message. */
    public PolicyException(String message) {
        super(message);
    }

    /** With a user-facing message and the cause. */
    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
