package dev.sigstack.core.tiles;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Entry bundles: each entry is a big-endian uint16 length followed by that many bytes. */
public final class EntryBundle {
    /** The largest entry a bundle can hold. */
    public static final int MAX_ENTRY = 0xffff;

    private EntryBundle() {
    }

    public static byte[] encode(List<byte[]> entries) {
        if (entries.size() > TileLayout.WIDTH) {
            throw new IllegalArgumentException("an entry bundle holds at most 256 entries");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : entries) {
            appendEntry(out, e);
        }
        return out.toByteArray();
    }

    /** Writes one entry (length prefix and data) to {@code out}. */
    public static void appendEntry(ByteArrayOutputStream out, byte[] entry) {
        if (entry.length > MAX_ENTRY) {
            throw new IllegalArgumentException("entry of " + entry.length + " bytes is too large for a bundle");
        }
        out.write(entry.length >>> 8);
        out.write(entry.length & 0xff);
        out.write(entry, 0, entry.length);
    }

    /** Decodes a bundle; throws on a truncated or over-long bundle. */
    public static List<byte[]> decode(byte[] bundle) {
        List<byte[]> entries = new ArrayList<>();
        int pos = 0;
        while (pos < bundle.length) {
            if (pos + 2 > bundle.length) {
                throw new IllegalArgumentException("entry bundle is truncated in a length prefix");
            }
            int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
            pos += 2;
            if (pos + len > bundle.length) {
                throw new IllegalArgumentException("entry bundle is truncated in an entry");
            }
            byte[] e = new byte[len];
            System.arraycopy(bundle, pos, e, 0, len);
            entries.add(e);
            pos += len;
            if (entries.size() > TileLayout.WIDTH) {
                throw new IllegalArgumentException("entry bundle has more than 256 entries");
            }
        }
        return entries;
    }

    /** The byte length of the first {@code count} entries of {@code bundle}. */
    public static int prefixLength(byte[] bundle, int count) {
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (pos + 2 > bundle.length) {
                throw new IllegalArgumentException("entry bundle has fewer than " + count + " entries");
            }
            int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
            pos += 2 + len;
        }
        if (pos > bundle.length) {
            throw new IllegalArgumentException("entry bundle is truncated");
        }
        return pos;
    }
}
