package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackKeysTest {

  @Test
  void pemPrivate_ownerOnlyEvenOverAWorldReadableFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("root.key");
    Files.writeString(f, "old");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    DevStack.pemPrivate(f, DevStack.ec().getPrivate());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals("-----BEGIN PRIVATE KEY-----", Files.readAllLines(f).get(0));
  }

  @Test
  void write_devStackKeys_allOwnerOnly(@TempDir Path dir) throws Exception {
    DevStack.write(dir, "http://127.0.0.1:1", java.time.Instant.now());
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".key")).toList()) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
      }
    }
  }
}
