package dev.sigstack.core.bundle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A checkpoint in a C2SP signed note (c2sp.org/tlog-checkpoint, c2sp.org/signed-note): the note text (origin, tree
 * size, base64 root hash, optional extension lines) and its signature lines. A stop-gap parser until the shared
 * {@code dev.sigstack.core.note} package is on this branch.
 */
record CheckpointNote(String text, String origin, long size, byte[] rootHash, List<NoteSignature> signatures) {

    record NoteSignature(String name, byte[] keyHint, byte[] signature) { }

    static CheckpointNote parse(String note) throws TlogVerificationException.InvalidCheckpoint {
        int split = note.indexOf("\n\n");
        if (split < 0) {
            throw invalid("checkpoint has no blank line between text and signatures");
        }
        String text = note.substring(0, split + 1);
        String sigBlock = note.substring(split + 2);
        String[] lines = text.split("\n", -1);
        // text ends with "\n", so the last element is empty
        if (lines.length < 4) {
            throw invalid("checkpoint text needs origin, size and root hash lines");
        }
        String origin = lines[0];
        if (origin.isEmpty()) {
            throw invalid("checkpoint origin is empty");
        }
        long size;
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw invalid("checkpoint size is not a decimal number: " + lines[1]);
        }
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw invalid("checkpoint size is out of range: " + lines[1]);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw invalid("checkpoint root hash is not base64");
        }
        if (root.length != 32) {
            throw invalid("checkpoint root hash is not 32 bytes");
        }
        for (int i = 3; i < lines.length - 1; i++) {
            if (lines[i].isEmpty()) {
                throw invalid("checkpoint text has an empty line");
            }
        }
        if (sigBlock.isEmpty() || !sigBlock.endsWith("\n")) {
            throw invalid("checkpoint has no signature lines, or they do not end with a newline");
        }
        List<NoteSignature> sigs = new ArrayList<>();
        for (String line : sigBlock.substring(0, sigBlock.length() - 1).split("\n", -1)) {
            if (!line.startsWith("\u2014 ")) {
                throw invalid("checkpoint signature line does not start with an em dash: " + line);
            }
            String rest = line.substring(2);
            int sp = rest.lastIndexOf(' ');
            if (sp <= 0) {
                throw invalid("checkpoint signature line has no key name");
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(rest.substring(sp + 1));
            } catch (IllegalArgumentException e) {
                throw invalid("checkpoint signature is not base64");
            }
            if (blob.length < 5) {
                throw invalid("checkpoint signature is shorter than a key hint and a signature");
            }
            sigs.add(new NoteSignature(rest.substring(0, sp), Arrays.copyOf(blob, 4), Arrays.copyOfRange(blob, 4, blob.length)));
        }
        return new CheckpointNote(text, origin, size, root, List.copyOf(sigs));
    }

    byte[] textBytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static TlogVerificationException.InvalidCheckpoint invalid(String message) {
        return new TlogVerificationException.InvalidCheckpoint(message, null);
    }
}
