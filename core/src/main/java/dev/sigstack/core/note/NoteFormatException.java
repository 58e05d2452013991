package dev.sigstack.core.note;

/** A signed note or checkpoint is not well formed. */
public final class NoteFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoteFormatException(String message) {
        super(message);
    }
}
