package dev.sigstack.core.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositorySourceTest {

  @TempDir Path tmp;

  @Test
  void directory_pathsLeavingTheFolder_refused() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(tmp.resolve("secret"), "s");
    var src = RepositorySource.directory(repo);
    assertThrows(IOException.class, () -> src.fetch("../secret", 100));
    assertThrows(IOException.class, () -> src.fetch("/etc/passwd", 100));
    assertThrows(IOException.class, () -> src.fetch("targets/../../secret", 100));
  }

  @Test
  void directory_symlinkAndMissing_absent() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(tmp.resolve("secret"), "s");
    Files.createSymbolicLink(repo.resolve("timestamp.json"), tmp.resolve("secret"));
    var src = RepositorySource.directory(repo);
    assertTrue(src.fetch("timestamp.json", 100).isEmpty());
    assertTrue(src.fetch("1.root.json", 100).isEmpty());
  }

  @Test
  void directory_fileOverLimit_throwsLengthMismatch() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.write(repo.resolve("timestamp.json"), new byte[101]);
    var e = assertThrows(LengthMismatchException.class,
        () -> RepositorySource.directory(repo).fetch("timestamp.json", 100));
    assertEquals("timestamp.json: longer than 100 bytes", e.getMessage());
    assertArrayEquals(new byte[101], RepositorySource.directory(repo).fetch("timestamp.json", 101).orElseThrow());
  }

  @Test
  void of_fileOverLimit_throwsLengthMismatch() {
    var src = RepositorySource.of(Map.of("a", new byte[10]));
    var e = assertThrows(LengthMismatchException.class, () -> src.fetch("a", 9));
    assertEquals(10, e.actual());
  }
}
