package dev.sigstack.tlog;

/** An entry with the same dedup key is already in the log, at {@link #existingIndex()}. */
public final class DuplicateEntryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final long existingIndex;

    public DuplicateEntryException(long existingIndex) {
        super("an equivalent entry already exists in the log at index " + existingIndex);
        this.existingIndex = existingIndex;
    }

    public long existingIndex() {
        return existingIndex;
    }
}
