package dev.sigstack.core.note;

import java.nio.charset.StandardCharsets;

/**
 * Witness cosignatures, c2sp.org/tlog-cosignature: a cosignature/v1 signature is an 8-byte big-endian
 * timestamp followed by an Ed25519 signature over {@code "cosignature/v1\ntime <t>\n" || checkpoint text}.
 */
public final class Cosignatures {
    private Cosignatures() {
    }

    /** A witness's cosignature/v1 over {@code checkpointText} at {@code timestamp} (seconds), from an Ed25519 seed. */
    public static NoteSignature cosign(String witness, byte[] seed, long timestamp, String checkpointText) {
        byte[] sig = NoteKeys.ed25519Signer(witness, seed)
                .sign(signedMessage(timestamp, checkpointText.getBytes(StandardCharsets.UTF_8)));
        byte[] full = java.nio.ByteBuffer.allocate(8 + sig.length).putLong(timestamp).put(sig).array();
        return new NoteSignature(witness, NoteKeys.conformantKeyHash(witness, NoteKeys.TYPE_COSIGNATURE_V1,
                publicKey(seed)), full);
    }

    /** The cosignature/v1 verifier key string {@code <name>+<hash>+<base64(0x04 || pub)>} of an Ed25519 seed. */
    public static String verifierKey(String witness, byte[] seed) {
        byte[] pub = publicKey(seed);
        byte[] blob = new byte[33];
        blob[0] = NoteKeys.TYPE_COSIGNATURE_V1;
        System.arraycopy(pub, 0, blob, 1, 32);
        return witness + "+" + NoteKeys.hex(NoteKeys.conformantKeyHash(witness, NoteKeys.TYPE_COSIGNATURE_V1, pub))
                + "+" + java.util.Base64.getEncoder().encodeToString(blob);
    }

    private static byte[] publicKey(byte[] seed) {
        return new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
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
