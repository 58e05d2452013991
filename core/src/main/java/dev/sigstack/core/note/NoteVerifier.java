package dev.sigstack.core.note;

/** Verifies note signatures of one key. */
public interface NoteVerifier {
    String name();

    int keyHash();

    /** True when {@code signature} is this key's valid signature over {@code message}. */
    boolean verify(byte[] message, byte[] signature);
}
