package dev.sigstack.core.tiles;

import java.util.Optional;

/** Paths of tiles and entry bundles, and the arithmetic that maps tree sizes to tiles. */
public final class TileLayout {
    /** Hashes (or entries) in a full tile. */
    public static final int WIDTH = 256;
    /** Tree levels covered by one tile level. */
    public static final int HEIGHT = 8;
    /** Bytes of one hash. */
    public static final int HASH_SIZE = 32;
    /** The largest level a log of 2^63 entries can need (63 / 8, rounded up). */
    public static final int MAX_LEVEL = 8;

    private TileLayout() {
    }

    /** The path of a hash tile: {@code tile/<L>/<N>[.p/<W>]}. */
    public static String tilePath(int level, long index, int width) {
        checkWidth(width);
        return "tile/" + level + "/" + encodeIndex(index) + partialSuffix(width);
    }

    /** The path of an entry bundle: {@code tile/entries/<N>[.p/<W>]}. */
    public static String entryBundlePath(long index, int width) {
        checkWidth(width);
        return "tile/entries/" + encodeIndex(index) + partialSuffix(width);
    }

    /**
     * The index path element: zero-padded groups of three digits, every group but the last prefixed with
     * {@code x}, e.g. 1234067 is {@code x001/x234/067}.
     */
    public static String encodeIndex(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("tile index must not be negative");
        }
        String s = String.format("%03d", index % 1000);
        for (long n = index / 1000; n > 0; n /= 1000) {
            s = String.format("x%03d/", n % 1000) + s;
        }
        return s;
    }

    private static String partialSuffix(int width) {
        return width == WIDTH ? "" : ".p/" + width;
    }

    private static void checkWidth(int width) {
        if (width < 1 || width > WIDTH) {
            throw new IllegalArgumentException("tile width must be 1..256");
        }
    }

    /** A parsed tile request; {@code level} is -1 for entry bundles. */
    public record TileRef(int level, long index, int width) {
        public boolean isEntryBundle() {
            return level < 0;
        }
    }

    /**
     * Parses the part of a request path after {@code tile/}: {@code <L>/<N>[.p/<W>]} or
     * {@code entries/<N>[.p/<W>]}. Anything else, including non-canonical numbers, is empty.
     */
    public static Optional<TileRef> parse(String rest) {
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String head = rest.substring(0, slash);
        int level;
        if (head.equals("entries")) {
            level = -1;
        } else if (head.matches("[0-9]|[1-9][0-9]")) {
            level = Integer.parseInt(head);
            if (level > 63) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        String tail = rest.substring(slash + 1);
        int width = WIDTH;
        int p = tail.indexOf(".p/");
        if (p >= 0) {
            String w = tail.substring(p + 3);
            if (!w.matches("[1-9][0-9]{0,2}")) {
                return Optional.empty();
            }
            width = Integer.parseInt(w);
            if (width >= WIDTH) {
                return Optional.empty();
            }
            tail = tail.substring(0, p);
        }
        String[] groups = tail.split("/", -1);
        long index = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            boolean last = i == groups.length - 1;
            if (last ? !g.matches("[0-9]{3}") : !g.matches("x[0-9]{3}")) {
                return Optional.empty();
            }
            if (groups.length > 7) {
                return Optional.empty();
            }
            try {
                index = Math.addExact(Math.multiplyExact(index, 1000L), Integer.parseInt(last ? g : g.substring(1)));
            } catch (ArithmeticException e) {
                return Optional.empty(); // beyond any tree: no long holds it
            }
        }
        if (groups.length > 1 && groups[0].equals("x000")) {
            return Optional.empty(); // not canonical: leading zero group
        }
        return Optional.of(new TileRef(level, index, width));
    }

    /** The number of nodes at tree height {@code 8 * level} in a tree of {@code size} leaves. */
    public static long nodesAtTileLevel(long size, int level) {
        return size >>> (HEIGHT * level);
    }

    /**
     * The width of tile {@code index} at {@code level} in a tree of {@code size}, or 0 when the tree has no
     * node in it yet.
     */
    public static int widthAt(long size, int level, long index) {
        long nodes = nodesAtTileLevel(size, level);
        // compared by division: index * WIDTH overflows for indexes a request can name (2^56 wraps to 0)
        if (index < 0 || nodes == 0 || index > (nodes - 1) / WIDTH) {
            return 0;
        }
        return (int) Math.min(WIDTH, nodes - index * WIDTH);
    }

    /** The width of entry bundle {@code index} in a tree of {@code size}, or 0 when it has no entry yet. */
    public static int entryBundleWidthAt(long size, long index) {
        return widthAt(size, 0, index);
    }
}
