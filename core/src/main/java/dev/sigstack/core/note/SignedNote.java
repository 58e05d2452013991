package dev.sigstack.core.note;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A signed note: a text that ends in a newline, a blank line, then one or more signature lines.
 * The text is kept exactly as signed.
 */
public final class SignedNote {
    /** U+2014 EM DASH, which starts every signature line. */
    static final String DASH = "\u2014";
    /** Notes larger than this are refused before parsing (the Go implementation uses the same bound). */
    public static final int MAX_NOTE_SIZE = 1_000_000;
    private static final int MAX_SIGNATURES = 100;

    private final String text;
    private final List<NoteSignature> signatures;

    private SignedNote(String text, List<NoteSignature> signatures) {
        this.text = text;
        this.signatures = List.copyOf(signatures);
    }

    /** A note of {@code text} (which must end in a newline) with the given signatures. */
    public static SignedNote of(String text, List<NoteSignature> signatures) throws NoteFormatException {
        requireValidText(text);
        return new SignedNote(text, signatures);
    }

    /** Signs {@code text} with each signer, in order. */
    public static SignedNote sign(String text, List<? extends NoteSigner> signers) throws NoteFormatException {
        requireValidText(text);
        byte[] msg = text.getBytes(StandardCharsets.UTF_8);
        List<NoteSignature> sigs = new ArrayList<>();
        for (NoteSigner s : signers) {
            sigs.add(new NoteSignature(s.name(), s.keyHash(), s.sign(msg)));
        }
        return new SignedNote(text, sigs);
    }

    /** Parses a signed note. Unknown signatures are kept; they are simply not verified. */
    public static SignedNote parse(String note) throws NoteFormatException {
        if (note.length() > MAX_NOTE_SIZE) {
            throw new NoteFormatException("note is larger than " + MAX_NOTE_SIZE + " bytes");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new NoteFormatException("note has no blank line before its signatures");
        }
        String text = note.substring(0, split + 1);
        requireValidText(text);
        String sigBlock = note.substring(split + 2);
        if (sigBlock.isEmpty() || !sigBlock.endsWith("\n")) {
            throw new NoteFormatException("signature block must be non-empty and end in a newline");
        }
        List<NoteSignature> sigs = new ArrayList<>();
        for (String line : sigBlock.substring(0, sigBlock.length() - 1).split("\n", -1)) {
            if (sigs.size() == MAX_SIGNATURES) {
                throw new NoteFormatException("note has more than " + MAX_SIGNATURES + " signatures");
            }
            sigs.add(parseSignatureLine(line));
        }
        return new SignedNote(text, sigs);
    }

    /** Parses one signature line without its newline. */
    public static NoteSignature parseSignatureLine(String line) throws NoteFormatException {
        if (!line.startsWith(DASH + " ")) {
            throw new NoteFormatException("signature line must start with an em dash and a space");
        }
        String rest = line.substring(DASH.length() + 1);
        int space = rest.indexOf(' ');
        if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new NoteFormatException("signature line must be '— <name> <signature>'");
        }
        String name = rest.substring(0, space);
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(rest.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException("signature is not valid base64");
        }
        if (blob.length < 5) {
            throw new NoteFormatException("signature is too short to hold a key hash and a signature");
        }
        int hash = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        byte[] sig = new byte[blob.length - 4];
        System.arraycopy(blob, 4, sig, 0, sig.length);
        try {
            return new NoteSignature(name, hash, sig);
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException(e.getMessage());
        }
    }

    /**
     * Verifies that at least one signature is by {@code verifier} (same name and key hash) and valid.
     * A signature with the verifier's name and key hash that does not verify is an error, not skipped.
     */
    public void verify(NoteVerifier verifier) throws NoteVerificationException {
        byte[] msg = text.getBytes(StandardCharsets.UTF_8);
        for (NoteSignature s : signatures) {
            if (s.name().equals(verifier.name()) && s.keyHash() == verifier.keyHash()) {
                if (verifier.verify(msg, s.signature())) {
                    return;
                }
                throw new NoteVerificationException("signature by " + verifier.name() + " does not verify");
            }
        }
        throw new NoteVerificationException("note has no signature by " + verifier.name()
                + String.format(" with key hash %08x", verifier.keyHash()));
    }

    /** The signed text, ending in a newline. */
    public String text() {
        return text;
    }

    public List<NoteSignature> signatures() {
        return signatures;
    }

    /** This note with one more signature appended (for cosignatures). */
    public SignedNote withSignature(NoteSignature signature) {
        List<NoteSignature> more = new ArrayList<>(signatures);
        more.add(signature);
        return new SignedNote(text, more);
    }

    /** The note as served: text, blank line, signature lines. */
    public String marshal() {
        StringBuilder sb = new StringBuilder(text).append('\n');
        for (NoteSignature s : signatures) {
            sb.append(s.line());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return marshal();
    }

    static void requireValidText(String text) throws NoteFormatException {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new NoteFormatException("note text must be non-empty and end in a newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new NoteFormatException("note text contains a control character");
            }
        }
    }

    static void requireValidName(String name) {
        if (name == null || name.isEmpty() || name.contains("+") || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("key name must be non-empty, with no '+' and no spaces");
        }
    }
}
