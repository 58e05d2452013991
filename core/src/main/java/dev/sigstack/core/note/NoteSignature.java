package dev.sigstack.core.note;

import java.util.Arrays;
import java.util.Base64;

/**
 * One signature line of a signed note: {@code — <name> <base64(keyHash[4] || signature)>}.
 *
 * @param name the key name (for a log, its origin)
 * @param keyHash the 32-bit key hash that lets a verifier find its key
 * @param signature the signature bytes that follow the key hash
 */
public record NoteSignature(String name, int keyHash, byte[] signature) {
    public NoteSignature {
        SignedNote.requireValidName(name);
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The line as it appears in the note, with its trailing newline. */
    public String line() {
        byte[] blob = new byte[4 + signature.length];
        blob[0] = (byte) (keyHash >>> 24);
        blob[1] = (byte) (keyHash >>> 16);
        blob[2] = (byte) (keyHash >>> 8);
        blob[3] = (byte) keyHash;
        System.arraycopy(signature, 0, blob, 4, signature.length);
        return SignedNote.DASH + " " + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteSignature s && s.name.equals(name) && s.keyHash == keyHash
                && Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + keyHash;
    }

    @Override
    public String toString() {
        return "NoteSignature[" + name + ", " + String.format("%08x", keyHash) + "]";
    }
}
