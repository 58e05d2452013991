package dev.sigstack.core.note;

/** A signed note carries no valid signature from the expected key. */
public final class NoteVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoteVerificationException(String message) {
        super(message);
    }
}
