package dev.sigstack.core.note;

import java.nio.charset.StandardCharsets;

/**
 * Witness cosignatures, c2sp.org/tlog-cosignature: a cosignature/v1 signature is an 8-byte big-endian
 * timestamp followed by an Ed25519 signature over {@code "cosignature/v1\ntime <t>\n" || checkpoint text}.
 */
public final class Cosignatures {
    private Cosignatures() {
    }

    /** The message a witness signs for the checkpoint {@code text} at {@code timestamp} (seconds). */
    static byte[] signedMessage(long timestamp, byte[] checkpointText) {
        byte[] header = ("cosignature/v1\ntime " + Long.toUnsignedString(timestamp) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[header.length + checkpointText.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(checkpointText, 0, out, header.length, checkpointText.length);
        return out;
    }
}
