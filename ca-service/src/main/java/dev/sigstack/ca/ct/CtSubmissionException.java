package dev.sigstack.ca.ct;

/** The CT log refused the submission, could not be reached, or answered something that is not an SCT. */
public final class CtSubmissionException extends Exception {
    private static final long serialVersionUID = 1L;

    public CtSubmissionException(String message) {
        super(message);
    }

    public CtSubmissionException(String message, Throwable cause) {
        super(message, cause);
    }
}
