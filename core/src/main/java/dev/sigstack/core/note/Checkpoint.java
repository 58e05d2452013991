package dev.sigstack.core.note;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A checkpoint body (c2sp.org/tlog-checkpoint): the origin line, the tree size in decimal, the base64 root
 * hash, then optional extension lines, each line ending in a newline.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
    public Checkpoint {
        if (origin == null || origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("checkpoint origin must be one non-empty line");
        }
        if (size < 0) {
            throw new IllegalArgumentException("checkpoint size must not be negative");
        }
        if (rootHash == null || rootHash.length != 32) {
            throw new IllegalArgumentException("checkpoint root hash must be 32 bytes");
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
        for (String e : extensions) {
            if (e.isEmpty() || e.contains("\n")) {
                throw new IllegalArgumentException("checkpoint extension lines must be non-empty single lines");
            }
        }
    }

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The note text of this checkpoint. */
    public String text() {
        StringBuilder sb = new StringBuilder(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        for (String e : extensions) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    /** Parses a checkpoint from a note text. */
    public static Checkpoint parse(String text) throws NoteFormatException {
        if (!text.endsWith("\n")) {
            throw new NoteFormatException("checkpoint must end in a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new NoteFormatException("checkpoint needs an origin, a size and a root hash");
        }
        long size;
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new NoteFormatException("checkpoint size is not a decimal number without leading zeros");
        }
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new NoteFormatException("checkpoint size is out of range");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException("checkpoint root hash is not valid base64");
        }
        List<String> ext = new ArrayList<>(Arrays.asList(lines).subList(3, lines.length));
        try {
            return new Checkpoint(lines[0], size, root, ext);
        } catch (IllegalArgumentException e) {
            throw new NoteFormatException(e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size
                && Arrays.equals(c.rootHash, rootHash) && c.extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return origin.hashCode() * 31 + Long.hashCode(size) * 17 + Arrays.hashCode(rootHash);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", " + size + "]";
    }
}
