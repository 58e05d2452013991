package dev.sigstack.gate.predicate;

/** A document that does not satisfy a predicate policy; the message says where and why. */
public final class PolicyViolation extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the reason. */
    public PolicyViolation(String message) {
        super(message);
    }
}
