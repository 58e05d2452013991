package dev.sigstack.core.ct;

import java.io.ByteArrayOutputStream;

/** The data a log signs for a Signed Tree Head (RFC 6962 §3.5, {@code TreeHeadSignature}). */
public record TreeHead(long timestamp, long treeSize, byte[] rootHash) {

    public TreeHead {
        if (rootHash == null || rootHash.length != 32) {
            throw new IllegalArgumentException("root hash must be 32 bytes");
        }
        if (treeSize < 0 || timestamp < 0) {
            throw new IllegalArgumentException("tree size and timestamp must not be negative");
        }
        rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    public byte[] signatureInput() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(50);
        out.write(Sct.V1);
        out.write(1); // SignatureType.tree_hash
        TlsCodec.writeUint(out, timestamp, 8);
        TlsCodec.writeUint(out, treeSize, 8);
        out.writeBytes(rootHash);
        return out.toByteArray();
    }
}
