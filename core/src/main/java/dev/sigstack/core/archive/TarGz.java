package dev.sigstack.core.archive;

import dev.sigstack.core.archive.HostileArchiveException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Writes and reads gzip-compressed ustar archives of regular files and directories. */
public final class TarGz {

  private static final int BLOCK = 512;

  /**
   * Bounds on what {@link #read} accepts.
   *
   * @param maxEntryBytes the largest file
   * @param maxTotalBytes the most bytes of file content in all
   * @param maxEntries the most entries (files, directories and headers)
   */
  public record Limits(long maxEntryBytes, long maxTotalBytes, int maxEntries) {
    /** 16 MiB a file, 64 MiB in all, 10 000 entries. */
    public static final Limits DEFAULT = new Limits(16L << 20, 64L << 20, 10_000);

    public Limits {
      if (maxEntryBytes < 1 || maxTotalBytes < 1 || maxEntries < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  private TarGz() {}

  /**
   * Writes files (relative paths with {@code /}) in path order, each parent directory first, with
   * mode 0644/0755, owner 0 and time {@code mtimeSeconds}, so equal input gives equal bytes.
   */
  public static byte[] write(SortedMap<String, byte[]> files, long mtimeSeconds) throws IOException {
    return write(files, mtimeSeconds, 0);
  }

  /**
   * As {@link #write(SortedMap, long)}, and when {@code align} is positive, no file's content of at
   * most {@code align} bytes straddles a multiple of {@code align} in the uncompressed stream: a pax
   * global header (type {@code g}, one {@code comment} record) pads before such a file. Readers
   * that take a file's content with one {@code read} from a gzip stream (Go's
   * {@code compress/flate} returns at most up to the next 32 KiB window boundary per read) then see
   * whole files.
   */
  public static byte[] write(SortedMap<String, byte[]> files, long mtimeSeconds, int align) throws IOException {
    if (align < 0 || align % BLOCK != 0) {
      throw new IllegalArgumentException("align must be a non-negative multiple of 512");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long offset = 0;
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      Set<String> dirs = new HashSet<>();
      for (var e : files.entrySet()) {
        String name = e.getKey();
        checkWritable(name);
        int slash = -1;
        while ((slash = name.indexOf('/', slash + 1)) > 0) {
          String dir = name.substring(0, slash + 1);
          if (dirs.add(dir)) {
            gz.write(header(dir, 0, '5', 0755, mtimeSeconds));
            offset += BLOCK;
          }
        }
        byte[] data = e.getValue();
        long start = offset + BLOCK;
        if (align > 0 && data.length > 0 && data.length <= align
            && start / align != (start + data.length - 1) / align) {
          long headerAt = ((offset + 2L * BLOCK + align - 1) / align) * align - BLOCK;
          int padSize = (int) (headerAt - offset - BLOCK);
          gz.write(header("pax_global_header", padSize, 'g', 0644, mtimeSeconds));
          gz.write(paxComment(padSize));
          offset = headerAt;
        }
        gz.write(header(name, data.length, '0', 0644, mtimeSeconds));
        gz.write(data);
        int pad = (BLOCK - data.length % BLOCK) % BLOCK;
        gz.write(new byte[pad]);
        offset += BLOCK + data.length + pad;
      }
      gz.write(new byte[2 * BLOCK]);
    }
    return bytes.toByteArray();
  }

  /** One pax record "LEN comment=xxx\n" of exactly {@code size} bytes (0 or at least 512). */
  private static byte[] paxComment(int size) {
    if (size == 0) {
      return new byte[0];
    }
    int fill = size - Integer.toString(size).length() - " comment=\n".length();
    String rec = size + " comment=" + "x".repeat(fill) + "\n";
    byte[] b = rec.getBytes(StandardCharsets.US_ASCII);
    if (b.length != size) {
      throw new IllegalStateException("pax padding of " + b.length + " bytes, wanted " + size);
    }
    return b;
  }

  private static void checkWritable(String name) {
    if (name.isEmpty() || name.startsWith("/") || ("/" + name + "/").contains("/../")
        || name.endsWith("/") || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("bad archive path " + name);
    }
  }

  private static byte[] header(String name, long size, char type, int mode, long mtime) {
    byte[] h = new byte[BLOCK];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length <= 100) {
      System.arraycopy(n, 0, h, 0, n.length);
    } else {
      // ustar: split at a slash into prefix (up to 155 bytes) and name (up to 100 bytes).
      int split = -1;
      for (int i = Math.min(n.length - 1, 155); i > 0; i--) {
        if (n[i] == '/' && n.length - i - 1 <= 100 && n.length - i - 1 > 0) {
          split = i;
          break;
        }
      }
      if (split < 0) {
        throw new IllegalArgumentException("path too long for ustar: " + name);
      }
      System.arraycopy(n, split + 1, h, 0, n.length - split - 1);
      System.arraycopy(n, 0, h, 345, split);
    }
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    return h;
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > len - 1) {
      throw new IllegalArgumentException("value too large for tar field: " + value);
    }
    s = "0".repeat(len - 1 - s.length()) + s;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  /**
   * Reads a gzip-compressed tar archive into its regular files, keyed by normalized path (no
   * leading {@code ./}), in archive order. Directories are checked but not returned.
   *
   * @throws HostileArchiveException for a path with {@code ..} or an absolute path, a link or a
   *     special file, a duplicate entry, a size over the limits, or a malformed header
   */
  public static Map<String, byte[]> read(InputStream in, Limits limits)
      throws IOException, HostileArchiveException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Set<String> seen = new TreeSet<>();
    long total = 0;
    int entries = 0;
    String paxPath = null;
    String longName = null;
    try (InputStream tar = new GZIPInputStream(in)) {
      byte[] h = new byte[BLOCK];
      while (true) {
        int n = tar.readNBytes(h, 0, BLOCK);
        if (n == 0) {
          break; // no end-of-archive blocks; Go's reader accepts this too
        }
        if (n != BLOCK) {
          throw new HostileArchiveException("(end)", Reason.MALFORMED, "archive is truncated");
        }
        if (isZero(h)) {
          break;
        }
        if (++entries > limits.maxEntries()) {
          throw new HostileArchiveException("(entry " + entries + ")", Reason.TOO_MANY_ENTRIES,
              "more than " + limits.maxEntries() + " entries");
        }
        String rawName = headerName(h);
        checkChecksum(h, rawName);
        char type = (char) h[156];
        long size = parseSize(h, rawName);
        if (size > limits.maxEntryBytes()) {
          throw new HostileArchiveException(rawName, Reason.ENTRY_TOO_LARGE,
              size + " bytes, limit " + limits.maxEntryBytes());
        }
        total += size;
        if (total > limits.maxTotalBytes()) {
          throw new HostileArchiveException(rawName, Reason.TOTAL_TOO_LARGE,
              "content exceeds " + limits.maxTotalBytes() + " bytes in all");
        }
        switch (type) {
          case 'x', 'L' -> {
            byte[] data = readData(tar, size, rawName);
            if (type == 'L') {
              longName = cString(data, 0, data.length);
            } else {
              paxPath = paxPath(data, rawName);
            }
            continue;
          }
          case 'g' -> {
            readData(tar, size, rawName);
            continue;
          }
          default -> {}
        }
        String name = paxPath != null ? paxPath : longName != null ? longName : rawName;
        paxPath = null;
        longName = null;
        switch (type) {
          case '1', '2' -> throw new HostileArchiveException(name, Reason.LINK,
              (type == '1' ? "hard link" : "symbolic link") + " to " + cString(h, 157, 100));
          case '0', '\0', '7', '5' -> {}
          default -> throw new HostileArchiveException(name, Reason.SPECIAL_FILE, "entry type '" + type + "'");
        }
        boolean dir = type == '5' || (type != '5' && name.endsWith("/") && size == 0);
        String path = normalize(name);
        if (!seen.add(path)) {
          throw new HostileArchiveException(name, Reason.DUPLICATE_ENTRY, "appears more than once");
        }
        byte[] data = readData(tar, size, name);
        if (!dir) {
          if (path.isEmpty()) {
            throw new HostileArchiveException(name, Reason.BAD_PATH, "a file without a name");
          }
          for (String parent = parentOf(path); parent != null; parent = parentOf(parent)) {
            if (files.containsKey(parent)) {
              throw new HostileArchiveException(name, Reason.BAD_PATH, "lies below the file " + parent);
            }
          }
          files.put(path, data);
        } else if (files.containsKey(path)) {
          throw new HostileArchiveException(name, Reason.DUPLICATE_ENTRY, "both a file and a directory");
        }
      }
    } catch (EOFException e) {
      throw new HostileArchiveException("(end)", Reason.MALFORMED, "archive is truncated");
    }
    return files;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? null : path.substring(0, slash);
  }

  private static String normalize(String name) throws HostileArchiveException {
    if (name.startsWith("/")) {
      throw new HostileArchiveException(name, Reason.ABSOLUTE_PATH, "absolute path");
    }
    if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0 || name.matches("^[A-Za-z]:.*")) {
      throw new HostileArchiveException(name, Reason.BAD_PATH, "backslash, NUL or drive letter in path");
    }
    StringBuilder out = new StringBuilder();
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw new HostileArchiveException(name, Reason.PATH_TRAVERSAL, "path contains ..");
      }
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  private static String headerName(byte[] h) {
    String name = cString(h, 0, 100);
    if (cString(h, 257, 5).equals("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name.isEmpty() ? "(unnamed)" : name;
  }

  private static void checkChecksum(byte[] h, String name) throws HostileArchiveException {
    long stored;
    try {
      stored = Long.parseLong(cString(h, 148, 8).trim(), 8);
    } catch (NumberFormatException e) {
      throw new HostileArchiveException(name, Reason.MALFORMED, "bad header checksum field");
    }
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    if (sum != stored) {
      throw new HostileArchiveException(name, Reason.MALFORMED, "header checksum mismatch");
    }
  }

  private static long parseSize(byte[] h, String name) throws HostileArchiveException {
    if ((h[124] & 0x80) != 0) {
      throw new HostileArchiveException(name, Reason.ENTRY_TOO_LARGE, "base-256 size field");
    }
    String s = cString(h, 124, 12).trim();
    if (!s.matches("[0-7]*")) { // Long.parseLong would take a sign: "-1" is no size (Go's reader refuses it too)
      throw new HostileArchiveException(name, Reason.MALFORMED, "bad size field");
    }
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

  private static String paxPath(byte[] data, String name) throws HostileArchiveException {
    String path = null;
    int i = 0;
    while (i < data.length) {
      int space = i;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new HostileArchiveException(name, Reason.MALFORMED, "bad pax record");
      }
      if (len <= space - i + 1 || len > data.length - i) { // not i + len: that overflows for a huge len
        throw new HostileArchiveException(name, Reason.MALFORMED, "bad pax record length");
      }
      String rec = new String(data, space + 1, i + len - space - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) {
        String key = rec.substring(0, eq);
        if (key.equals("path")) {
          path = rec.substring(eq + 1);
        } else if (key.equals("linkpath")) {
          throw new HostileArchiveException(name, Reason.LINK, "pax linkpath record");
        }
      }
      i += len;
    }
    return path;
  }

  private static byte[] readData(InputStream in, long size, String name) throws IOException, HostileArchiveException {
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new HostileArchiveException(name, Reason.MALFORMED, "archive is truncated");
    }
    long pad = (BLOCK - size % BLOCK) % BLOCK;
    if (in.readNBytes((int) pad).length != pad) {
      throw new HostileArchiveException(name, Reason.MALFORMED, "archive is truncated");
    }
    return data;
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }
}
