package dev.sigstack.core.archive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.archive.TarGzTest.Entry;
import dev.sigstack.core.testing.Hostile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated hostile archives: {@link TarGz#read} either returns only safe relative paths within its limits or refuses
 * with {@link HostileArchiveException} (or, only where the gzip stream itself is corrupt, its {@link IOException}),
 * never anything else.
 */
class TarGzPropertiesTest {
  private static final TarGz.Limits SMALL = new TarGz.Limits(4096, 8192, 8);

  /** Hostile values written into one header field (name, mode, size, checksum, type, link, magic, prefix). */
  private static final List<String> FIELD_VALUES = List.of("../x", "/etc/passwd", "a/../../b", "a/./b", "./",
      "C:\\x", "a\\..\\b", "..", ".", "", "-1", "-0000000001", "+7", "77777777777", " 0", "0 1", "\u0080\u00ff",
      "99999999999", "1", "2", "3", "5", "x", "L", "g", "K", "S", "7", "\0", "a//b", "a/", "ustar", "ustar  ",
      "12345670123");
  private static final int[][] FIELDS = {{0, 100}, {100, 8}, {124, 12}, {148, 8}, {156, 1}, {157, 100}, {257, 6},
      {345, 155}};

  static String pax(String key, String value) {
    String rec = " " + key + "=" + value + "\n";
    int len = rec.length() + 1;
    while (Integer.toString(len).length() + rec.length() != len) {
      len = Integer.toString(len).length() + rec.length();
    }
    return len + rec;
  }

  /** Uncompressed valid archives: plain files, directories, a pax path, a GNU long name, a global header. */
  static List<byte[]> rawSamples() {
    try {
      TreeMap<String, byte[]> files = new TreeMap<>();
      files.put("repository/root.json", "{\"signed\":{}}".getBytes(StandardCharsets.UTF_8));
      files.put("repository/targets/a.txt", "x".repeat(700).getBytes(StandardCharsets.UTF_8));
      files.put("b", new byte[0]);
      byte[] written = gunzip(TarGz.write(files, 0, 1024));
      byte[] handMade = gunzip(TarGzTest.tar(List.of(
          new Entry("pax", 'x', (pax("path", "long/" + "p".repeat(120)) + pax("comment", "c"))
              .getBytes(StandardCharsets.UTF_8), ""),
          Entry.file("short", "content"),
          new Entry("././@LongLink", 'L', ("d/" + "n".repeat(110) + "\0").getBytes(StandardCharsets.UTF_8), ""),
          Entry.file("ignored", "second"),
          new Entry("dir/", '5', new byte[0], ""),
          Entry.file("dir/f", "third")), true, false));
      return List.of(written, handMade);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    return new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
  }

  private static byte[] gzip(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Recomputes the checksum of every block that carries the ustar magic, so mutations get past it. */
  static byte[] fixChecksums(byte[] raw) {
    byte[] b = raw.clone();
    for (int off = 0; off + 512 <= b.length; off += 512) {
      if (new String(b, off + 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) {
        Arrays.fill(b, off + 148, off + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
          sum += b[off + i] & 0xff;
        }
        byte[] s = String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, b, off + 148, s.length);
      }
    }
    return b;
  }

  /** A header field of the block at {@code block} set to a hostile value. */
  static byte[] setField(byte[] raw, int block, int field, String value) {
    byte[] b = raw.clone();
    int blocks = b.length / 512;
    if (blocks == 0) {
      return b;
    }
    int off = (block % blocks) * 512;
    int[] f = FIELDS[field % FIELDS.length];
    Arrays.fill(b, off + f[0], off + f[0] + f[1], (byte) 0);
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(v, 0, b, off + f[0], Math.min(v.length, f[1]));
    return b;
  }

  @Provide
  Arbitrary<byte[]> mutatedArchives() {
    Arbitrary<byte[]> byteLevel = Hostile.mutations(rawSamples());
    Arbitrary<byte[]> fieldLevel = Combinators.combine(Arbitraries.of(rawSamples()),
        Arbitraries.integers().between(0, 40), Arbitraries.integers().between(0, FIELDS.length - 1),
        Arbitraries.of(FIELD_VALUES)).as(TarGzPropertiesTest::setField);
    Arbitrary<byte[]> both = Combinators.combine(fieldLevel, Hostile.ops(7, 2)).as(Hostile::mutate);
    return Combinators.combine(Arbitraries.oneOf(byteLevel, fieldLevel, both), Arbitraries.of(true, true, false))
        .as((raw, fix) -> gzip(fix ? fixChecksums(raw) : raw));
  }

  @Provide
  Arbitrary<byte[]> mutatedGzip() {
    return Hostile.mutations(rawSamples().stream().map(TarGzPropertiesTest::gzip).toList());
  }

  @Property(tries = 600)
  void read_mutatedArchive_safePathsOrHostileArchiveException(@ForAll("mutatedArchives") byte[] tgz) {
    checkRead(tgz, false); // the gzip layer is intact: a tar-level fault is a HostileArchiveException, not an IOException
  }

  @Property(tries = 200)
  void read_mutatedGzipStream_safePathsOrDocumentedException(@ForAll("mutatedGzip") byte[] tgz) {
    checkRead(tgz, true);
  }

  @Property(tries = 200)
  void read_arbitraryBytes_refusedCleanly(@ForAll byte[] bytes) {
    checkRead(bytes, true);
    checkRead(gzip(bytes), false);
  }

  @SuppressWarnings("unchecked")
  /** Reads under the limits; {@code corruptGzip} says whether the gzip layer may be broken (then IOException too). */
  private static void checkRead(byte[] tgz, boolean corruptGzip) {
    Object result = corruptGzip
        ? Hostile.refusesCleanly(() -> TarGz.read(new ByteArrayInputStream(tgz), SMALL),
            HostileArchiveException.class, IOException.class)
        : Hostile.refusesCleanly(() -> TarGz.read(new ByteArrayInputStream(tgz), SMALL),
            HostileArchiveException.class);
    Statistics.collect(result == null ? "refused" : "read");
    if (result == null) {
      return;
    }
    Map<String, byte[]> files = (Map<String, byte[]>) result;
    assertTrue(files.size() <= SMALL.maxEntries(), "too many entries returned");
    long total = 0;
    for (var e : files.entrySet()) {
      String path = e.getKey();
      assertFalse(path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")
          || path.indexOf('\0') >= 0 || path.matches("^[A-Za-z]:.*"), "unsafe path returned: " + path);
      for (String part : path.split("/", -1)) {
        assertFalse(part.isEmpty() || part.equals(".") || part.equals(".."), "unsafe path returned: " + path);
      }
      assertTrue(e.getValue().length <= SMALL.maxEntryBytes(), "entry over the limit: " + path);
      total += e.getValue().length;
    }
    assertTrue(total <= SMALL.maxTotalBytes(), "total over the limit");
  }
}
