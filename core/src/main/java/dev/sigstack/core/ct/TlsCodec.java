package dev.sigstack.core.ct;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Big-endian TLS presentation-language helpers (RFC 5246 §4). */
final class TlsCodec {

    private TlsCodec() {
    }

    static void writeUint(ByteArrayOutputStream out, long value, int bytes) {
        if (bytes < 8 && (value < 0 || value >= (1L << (8 * bytes)))) {
            throw new IllegalArgumentException("value " + value + " does not fit in " + bytes + " bytes");
        }
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }

    static void writeVector(ByteArrayOutputStream out, byte[] data, int lengthBytes) {
        writeUint(out, data.length, lengthBytes);
        out.writeBytes(data);
    }

    /** A cursor over TLS-encoded bytes; every read checks bounds and throws {@link MalformedCtDataException}. */
    static final class Reader {
        private final byte[] data;
        private int pos;
        private final int end;

        Reader(byte[] data) {
            this(data, 0, data.length);
        }

        private Reader(byte[] data, int from, int to) {
            this.data = data;
            this.pos = from;
            this.end = to;
        }

        long uint(int bytes) throws MalformedCtDataException {
            need(bytes);
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | (data[pos++] & 0xff);
            }
            return v;
        }

        byte[] bytes(int n) throws MalformedCtDataException {
            need(n);
            byte[] out = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] vector(int lengthBytes) throws MalformedCtDataException {
            return bytes((int) uint(lengthBytes));
        }

        Reader subVector(int lengthBytes) throws MalformedCtDataException {
            int n = (int) uint(lengthBytes);
            need(n);
            Reader r = new Reader(data, pos, pos + n);
            pos += n;
            return r;
        }

        boolean hasMore() {
            return pos < end;
        }

        void expectEnd() throws MalformedCtDataException {
            if (pos != end) {
                throw new MalformedCtDataException("trailing bytes after structure");
            }
        }

        private void need(int n) throws MalformedCtDataException {
            if (n < 0 || end - pos < n) {
                throw new MalformedCtDataException("truncated structure");
            }
        }
    }
}
