package dev.sigstack.core.ct;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A v1 SignedCertificateTimestamp (RFC 6962 §3.2), as serialized in the SCT list extension and in TLS.
 *
 * @param logId      SHA-256 of the log's SPKI, 32 bytes
 * @param timestamp  milliseconds since the epoch
 * @param extensions CtExtensions, usually empty
 * @param signature  the log's signature over {@link SignedEntry#signatureInput}
 */
public record Sct(byte[] logId, long timestamp, byte[] extensions, DigitallySigned signature) {
    /** {@code Version.v1}. */
    public static final int V1 = 0;

    public Sct {
        if (logId == null || logId.length != 32) {
            throw new IllegalArgumentException("log ID must be 32 bytes");
        }
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp must not be negative");
        }
        Objects.requireNonNull(signature, "signature");
        logId = logId.clone();
        extensions = extensions == null ? new byte[0] : extensions.clone();
        if (extensions.length > 65535) {
            throw new IllegalArgumentException("extensions must be at most 65535 bytes");
        }
    }

    @Override
    public byte[] logId() {
        return logId.clone();
    }

    @Override
    public byte[] extensions() {
        return extensions.clone();
    }

    /** The TLS encoding: version, log ID, timestamp, extensions, digitally-signed. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(V1);
        out.writeBytes(logId);
        TlsCodec.writeUint(out, timestamp, 8);
        TlsCodec.writeVector(out, extensions, 2);
        out.writeBytes(signature.encode());
        return out.toByteArray();
    }

    public static Sct parse(byte[] data) throws MalformedCtDataException {
        TlsCodec.Reader r = new TlsCodec.Reader(data);
        int version = (int) r.uint(1);
        if (version != V1) {
            throw new MalformedCtDataException("unsupported SCT version " + version);
        }
        byte[] id = r.bytes(32);
        long ts = r.uint(8);
        if (ts < 0) { // a uint64 past Long.MAX_VALUE: no real log signs at that time (ms since 1970)
            throw new MalformedCtDataException("SCT timestamp " + Long.toUnsignedString(ts) + " is out of range");
        }
        byte[] ext = r.vector(2);
        DigitallySigned ds = DigitallySigned.read(r);
        r.expectEnd();
        return new Sct(id, ts, ext, ds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sct s && Arrays.equals(encode(), s.encode());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override
    public String toString() {
        return "Sct[logId=" + HexFormat.of().formatHex(logId) + ", timestamp=" + timestamp + "]";
    }
}
