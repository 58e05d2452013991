package dev.sigstack.airgap;

import dev.sigstack.airgap.BundleRefusedException.Reason;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Imports a bundle: verifies it completely in memory, writes the verified bytes into a temporary
 * directory beside the destination, and renames that into place. When verification fails nothing is
 * written; when writing fails the temporary directory is removed. The imported directory is itself
 * a bundle that {@code verify} accepts, and its {@code kubernetes/} folder is ready for
 * {@code kubectl apply}.
 */
public final class Importer {

  private Importer() {}

  public static Verifier.Verified importBundle(Path source, Path destination, Verifier.Options options,
      Progress progress) throws IOException, BundleRefusedException {
    checkDestination(destination);
    Verifier.Verified v = Verifier.verify(source, options, progress);
    checkDestination(destination);
    Path parent = destination.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + destination.getFileName() + ".import-");
    try {
      progress.step("writing " + v.files().size() + " verified files to " + destination);
      int i = 0;
      for (var e : v.files().entrySet()) {
        Path f = tmp.resolve(e.getKey()).normalize();
        if (!f.startsWith(tmp)) {
          throw new IllegalStateException("path escaped the import directory: " + e.getKey());
        }
        Files.createDirectories(f.getParent());
        Files.write(f, e.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        progress.count("written", ++i, v.files().size());
      }
      if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.delete(destination); // empty, checked above
        } catch (DirectoryNotEmptyException e) {
          throw new BundleRefusedException(Reason.DESTINATION_EXISTS, destination + " filled up during import");
        }
      }
      Files.move(tmp, destination, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | BundleRefusedException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
    return v;
  }

  private static void checkDestination(Path destination) throws IOException, BundleRefusedException {
    if (Files.isSymbolicLink(destination)) {
      throw new BundleRefusedException(Reason.DESTINATION_EXISTS, destination + " is a symbolic link");
    }
    if (!Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
      throw new BundleRefusedException(Reason.DESTINATION_EXISTS, destination + " exists and is not a directory");
    }
    try (Stream<Path> s = Files.list(destination)) {
      if (s.findAny().isPresent()) {
        throw new BundleRefusedException(Reason.DESTINATION_EXISTS, destination
            + " is not empty; import into a new directory (keep the previous import for rollback)");
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
