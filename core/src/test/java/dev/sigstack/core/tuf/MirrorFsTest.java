package dev.sigstack.core.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.archive.TarGz;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class MirrorFsTest {

  /** Regular files in a raw tar: name, data offset, size. */
  record Span(String name, long offset, long size) {}

  static List<Span> regularFiles(byte[] raw) {
    List<Span> out = new ArrayList<>();
    int at = 0;
    while (at + 512 <= raw.length) {
      boolean zero = true;
      for (int i = at; i < at + 512 && zero; i++) {
        zero = raw[i] == 0;
      }
      if (zero) {
        break;
      }
      String name = new String(raw, at, 100, StandardCharsets.US_ASCII).replace("\0", "");
      String prefix = new String(raw, at + 345, 155, StandardCharsets.US_ASCII).replace("\0", "");
      long size = Long.parseLong(new String(raw, at + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
      char type = (char) raw[at + 156];
      if (type == '0') {
        out.add(new Span(prefix.isEmpty() ? name : prefix + "/" + name, at + 512, size));
      }
      at += 512 + (int) ((size + 511) / 512 * 512);
    }
    return out;
  }

  @Test
  void pack_manyFiles_noFileStraddlesAGoInflateWindowAndUnpackRoundTrips() throws Exception {
    Random r = new Random(42);
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[200 + r.nextInt(9000)];
      r.nextBytes(b);
      files.put("targets/" + i + ".bin", b);
    }
    files.put("1.root.json", new byte[MirrorFs.GO_INFLATE_WINDOW]);
    byte[] tgz = MirrorFs.pack(files, 0);
    byte[] raw = new GZIPInputStream(new ByteArrayInputStream(tgz)).readAllBytes();
    List<Span> spans = regularFiles(raw);
    assertEquals(files.size(), spans.size());
    long window = MirrorFs.GO_INFLATE_WINDOW;
    for (Span s : spans) {
      assertTrue(s.offset() / window == (s.offset() + s.size() - 1) / window,
          s.name() + " at " + s.offset() + " (" + s.size() + " bytes) crosses a 32 KiB boundary");
    }
    Map<String, byte[]> back = MirrorFs.unpack(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT);
    assertEquals(files.keySet(), new TreeMap<>(back).keySet());
    files.forEach((k, v) -> assertArrayEquals(v, back.get(k), k));
  }

  @Test
  void unpack_entriesOutsideRepositoryFolder_ignored() throws Exception {
    var files = new TreeMap<String, byte[]>();
    files.put("repository/timestamp.json", "{}".getBytes(StandardCharsets.UTF_8));
    files.put("other/readme", "x".getBytes(StandardCharsets.UTF_8));
    var back = MirrorFs.unpack(new ByteArrayInputStream(TarGz.write(files, 0)), TarGz.Limits.DEFAULT);
    assertEquals(List.of("timestamp.json"), List.copyOf(back.keySet()));
  }
}
