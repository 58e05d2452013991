package dev.sigstack.airgap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Writes tar.gz archives with whatever headers a test needs, including ones TarGz refuses to write. */
final class HostileTar {

  private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

  HostileTar file(String name, byte[] data) throws IOException {
    return entry(name, '0', data, "");
  }

  HostileTar entry(String name, char type, byte[] data, String link) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", data.length));
    put(h, 136, "00000000000");
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 157, link);
    put(h, 257, "ustar");
    h[263] = '0';
    h[264] = '0';
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    tar.write(h);
    tar.write(data);
    tar.write(new byte[(512 - data.length % 512) % 512]);
    return this;
  }

  byte[] gzip() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(tar.toByteArray());
      gz.write(new byte[1024]);
    }
    return out.toByteArray();
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
