package dev.sigstack.core.ct;

/** An SCT does not verify: unknown log, bad signature, or no SCT where one was required. */
public final class SctVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public SctVerificationException(String message) {
        super(message);
    }
}
