package dev.sigstack.core.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sigstack.core.archive.HostileArchiveException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TarGzTest {

  /** A raw tar entry for building hostile archives by hand. */
  record Entry(String name, char type, byte[] data, String link) {
    static Entry file(String name, String content) {
      return new Entry(name, '0', content.getBytes(StandardCharsets.UTF_8), "");
    }
  }

  static byte[] tar(List<Entry> entries, boolean endBlocks, boolean breakChecksum) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (Entry e : entries) {
      byte[] h = new byte[512];
      put(h, 0, e.name(), 100);
      put(h, 100, "0000644", 8);
      put(h, 108, "0000000", 8);
      put(h, 116, "0000000", 8);
      put(h, 124, String.format("%011o", e.data().length), 12);
      put(h, 136, "00000000000", 12);
      Arrays.fill(h, 148, 156, (byte) ' ');
      h[156] = (byte) e.type();
      put(h, 157, e.link(), 100);
      put(h, 257, "ustar", 6);
      h[263] = '0';
      h[264] = '0';
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      put(h, 148, String.format("%06o", breakChecksum ? sum + 1 : sum), 7);
      raw.write(h);
      raw.write(e.data());
      raw.write(new byte[(512 - e.data().length % 512) % 512]);
    }
    if (endBlocks) {
      raw.write(new byte[1024]);
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(raw.toByteArray());
    }
    return gz.toByteArray();
  }

  private static void put(byte[] h, int off, String s, int len) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(b.length, len));
  }

  private static String pax(String key, String value) {
    String rec = " " + key + "=" + value + "\n";
    int len = rec.length() + 1;
    while (Integer.toString(len).length() + rec.length() != len) {
      len = Integer.toString(len).length() + rec.length();
    }
    return len + rec;
  }

  static Stream<Arguments> hostile() {
    var small = new TarGz.Limits(8, 12, 3);
    return Stream.of(
        Arguments.of("dot-dot path", List.of(Entry.file("repository/../../etc/cron.d/x", "x")), TarGz.Limits.DEFAULT,
            Reason.PATH_TRAVERSAL),
        Arguments.of("leading dot-dot", List.of(Entry.file("../x", "x")), TarGz.Limits.DEFAULT, Reason.PATH_TRAVERSAL),
        Arguments.of("absolute path", List.of(Entry.file("/etc/passwd", "x")), TarGz.Limits.DEFAULT, Reason.ABSOLUTE_PATH),
        Arguments.of("symbolic link", List.of(new Entry("repository/root.json", '2', new byte[0], "/etc/passwd")),
            TarGz.Limits.DEFAULT, Reason.LINK),
        Arguments.of("hard link", List.of(Entry.file("a", "x"), new Entry("repository/b", '1', new byte[0], "a")),
            TarGz.Limits.DEFAULT, Reason.LINK),
        Arguments.of("pax linkpath", List.of(new Entry("pax", 'x', pax("linkpath", "/etc").getBytes(StandardCharsets.UTF_8), ""),
            Entry.file("a", "x")), TarGz.Limits.DEFAULT, Reason.LINK),
        Arguments.of("pax path with dot-dot", List.of(new Entry("pax", 'x', pax("path", "../../x").getBytes(StandardCharsets.UTF_8), ""),
            Entry.file("harmless", "x")), TarGz.Limits.DEFAULT, Reason.PATH_TRAVERSAL),
        Arguments.of("character device", List.of(new Entry("dev", '3', new byte[0], "")), TarGz.Limits.DEFAULT,
            Reason.SPECIAL_FILE),
        Arguments.of("fifo", List.of(new Entry("fifo", '6', new byte[0], "")), TarGz.Limits.DEFAULT, Reason.SPECIAL_FILE),
        Arguments.of("duplicate entry", List.of(Entry.file("repository/timestamp.json", "a"),
            Entry.file("repository/timestamp.json", "b")), TarGz.Limits.DEFAULT, Reason.DUPLICATE_ENTRY),
        Arguments.of("duplicate after ./ normalization", List.of(Entry.file("repository/a", "a"),
            Entry.file("./repository/a", "b")), TarGz.Limits.DEFAULT, Reason.DUPLICATE_ENTRY),
        Arguments.of("entry too large", List.of(Entry.file("big", "123456789")), small, Reason.ENTRY_TOO_LARGE),
        Arguments.of("total too large", List.of(Entry.file("a", "1234567"), Entry.file("b", "1234567")), small,
            Reason.TOTAL_TOO_LARGE),
        Arguments.of("too many entries", List.of(Entry.file("a", ""), Entry.file("b", ""), Entry.file("c", ""),
            Entry.file("d", "")), small, Reason.TOO_MANY_ENTRIES),
        Arguments.of("file below a file", List.of(Entry.file("a", "x"), Entry.file("a/b", "y")), TarGz.Limits.DEFAULT,
            Reason.BAD_PATH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void read_hostileArchive_refusedWithReason(String name, List<Entry> entries, TarGz.Limits limits, Reason reason)
      throws IOException {
    byte[] tgz = tar(entries, true, false);
    var e = assertThrows(HostileArchiveException.class, () -> TarGz.read(new ByteArrayInputStream(tgz), limits));
    assertEquals(reason, e.reason(), e.getMessage());
  }

  /** Found by TarGzPropertiesTest: a signed size reached readNBytes(-1), an IllegalArgumentException. */
  @Test
  void read_negativeSizeField_refusedAsMalformed() throws IOException {
    byte[] raw = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(
        tar(List.of(Entry.file("a", "x")), true, false))).readAllBytes();
    byte[] tgz = gzipRaw(TarGzPropertiesTest.fixChecksums(TarGzPropertiesTest.setField(raw, 0, 2, "-1")));
    var e = assertThrows(HostileArchiveException.class,
        () -> TarGz.read(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT));
    assertEquals("archive entry a: bad size field (MALFORMED)", e.getMessage());
  }

  /** A pax record length near Integer.MAX_VALUE after a first record overflowed i + len into a negative offset. */
  @Test
  void read_paxRecordLengthOverflowing_refusedAsMalformed() throws IOException {
    String data = pax("comment", "c") + "2147483647 path=x\n";
    byte[] tgz = tar(List.of(new Entry("pax", 'x', data.getBytes(StandardCharsets.UTF_8), ""), Entry.file("a", "x")),
        true, false);
    var e = assertThrows(HostileArchiveException.class,
        () -> TarGz.read(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT));
    assertEquals("archive entry pax: bad pax record length (MALFORMED)", e.getMessage());
  }

  private static byte[] gzipRaw(byte[] raw) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(raw);
    }
    return gz.toByteArray();
  }

  @Test
  void read_badHeaderChecksum_refusedAsMalformed() throws IOException {
    byte[] tgz = tar(List.of(Entry.file("a", "x")), true, true);
    var e = assertThrows(HostileArchiveException.class,
        () -> TarGz.read(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT));
    assertEquals(Reason.MALFORMED, e.reason());
    assertEquals("archive entry a: header checksum mismatch (MALFORMED)", e.getMessage());
  }

  @Test
  void read_truncatedEntry_refusedAsMalformed() throws IOException {
    byte[] full = tar(List.of(Entry.file("a", "x".repeat(2000))), false, false);
    // re-compress only the first 1024 raw bytes: header plus part of the data
    byte[] raw = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(full)).readAllBytes();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(raw, 0, 1024);
    }
    var e = assertThrows(HostileArchiveException.class,
        () -> TarGz.read(new ByteArrayInputStream(gz.toByteArray()), TarGz.Limits.DEFAULT));
    assertEquals(Reason.MALFORMED, e.reason());
  }

  @Test
  void writeThenRead_longNamesAndDirectories_roundTrip() throws Exception {
    var files = new TreeMap<String, byte[]>();
    String longName = "repository/targets/" + "a".repeat(64) + ".signing_config.v0.2.json";
    files.put(longName, "{}".getBytes(StandardCharsets.UTF_8));
    files.put("repository/1.root.json", "root".getBytes(StandardCharsets.UTF_8));
    files.put("repository/empty", new byte[0]);
    byte[] tgz = TarGz.write(files, 0);
    Map<String, byte[]> back = TarGz.read(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT);
    assertEquals(files.keySet(), new TreeMap<>(back).keySet());
    files.forEach((k, v) -> assertArrayEquals(v, back.get(k), k));
    assertArrayEquals(tgz, TarGz.write(files, 0), "equal input gives equal bytes");
  }

  @Test
  void read_paxPathRecord_namesTheNextEntry() throws Exception {
    byte[] tgz = tar(List.of(new Entry("PaxHeaders/x", 'x',
        pax("path", "repository/" + "b".repeat(150)).getBytes(StandardCharsets.UTF_8), ""),
        Entry.file("short", "data")), true, false);
    var files = TarGz.read(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT);
    assertEquals(List.of("repository/" + "b".repeat(150)), List.copyOf(files.keySet()));
  }
}
