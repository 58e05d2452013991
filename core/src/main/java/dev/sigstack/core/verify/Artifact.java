package dev.sigstack.core.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** What was signed: the artifact's bytes, or only its SHA-256 digest (the CLI's {@code sha256:<hex>} form). */
public sealed interface Artifact {

    /** The SHA-256 digest of the artifact. */
    byte[] sha256();

    static Artifact of(byte[] bytes) {
        return new Bytes(bytes);
    }

    /** Files larger than this are read as their SHA-256 digest only, streamed, instead of held in memory. */
    long IN_MEMORY_LIMIT = 64L * 1024 * 1024;

    /**
     * Reads a file: its bytes when at most {@link #IN_MEMORY_LIMIT}, else its streamed SHA-256 digest (enough for
     * ECDSA and RSA message signatures over SHA-256 and for in-toto subjects; not for pure Ed25519 signatures).
     */
    static Artifact read(Path file) throws IOException {
        if (Files.size(file) <= IN_MEMORY_LIMIT) {
            try (InputStream in = Files.newInputStream(file)) {
                return new Bytes(in.readAllBytes());
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return new Digest(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses {@code sha256:<64 hex digits>}. */
    static Artifact parseDigest(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.startsWith("sha256:") || !v.substring(7).matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a digest must be sha256: followed by 64 hex digits, got " + value);
        }
        return new Digest(HexFormat.of().parseHex(v.substring(7)));
    }

    /** An artifact whose bytes are known. */
    record Bytes(byte[] bytes) implements Artifact {
        public Bytes {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public byte[] sha256() {
            return digest("SHA-256", bytes);
        }

        byte[] digest(String algorithm) {
            return digest(algorithm, bytes);
        }

        private static byte[] digest(String algorithm, byte[] data) {
            try {
                return MessageDigest.getInstance(algorithm).digest(data);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + " bytes]";
        }
    }

    /** An artifact known only by its SHA-256 digest. */
    record Digest(byte[] sha256) implements Artifact {
        public Digest {
            if (sha256 == null || sha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 digest is 32 bytes");
            }
            sha256 = sha256.clone();
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        @Override
        public String toString() {
            return "sha256:" + HexFormat.of().formatHex(sha256);
        }
    }
}
