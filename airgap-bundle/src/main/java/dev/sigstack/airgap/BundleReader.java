package dev.sigstack.airgap;

import dev.sigstack.airgap.BundleRefusedException.Reason;
import dev.sigstack.core.archive.HostileArchiveException;
import dev.sigstack.core.archive.TarGz;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a bundle's files into memory, from a directory or a gzip tarball, refusing hostile input
 * before anything is hashed or written: links, special files, unsafe paths, oversized entries, too
 * many entries. Tarballs go through {@link TarGz#read}, which checks each header.
 */
final class BundleReader {

  private BundleReader() {}

  static SortedMap<String, byte[]> read(Path source, TarGz.Limits limits, Progress progress)
      throws IOException, BundleRefusedException {
    if (Files.isDirectory(source)) {
      progress.step("reading directory " + source);
      return readDirectory(source, limits);
    }
    if (!Files.isRegularFile(source)) {
      throw new IOException(source + " is neither a bundle directory nor a bundle tarball");
    }
    progress.step("reading and checking tarball " + source + " (" + Files.size(source) + " bytes)");
    try (InputStream in = Files.newInputStream(source)) {
      SortedMap<String, byte[]> out = new TreeMap<>();
      for (var e : TarGz.read(in, limits).entrySet()) {
        checkPath(e.getKey());
        out.put(e.getKey(), e.getValue());
      }
      return out;
    } catch (HostileArchiveException e) {
      throw new BundleRefusedException(reason(e.reason()), e.getMessage(), e);
    } catch (java.util.zip.ZipException e) {
      throw new BundleRefusedException(Reason.MALFORMED_ARCHIVE, source + " is not a gzip tarball: " + e.getMessage(),
          e);
    }
  }

  private static SortedMap<String, byte[]> readDirectory(Path dir, TarGz.Limits limits)
      throws IOException, BundleRefusedException {
    Path root = dir.toRealPath();
    SortedMap<String, byte[]> out = new TreeMap<>();
    long[] total = {0};
    BundleRefusedException[] refused = {null};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        String rel = root.relativize(f).toString().replace(java.io.File.separatorChar, '/');
        try {
          if (attrs.isSymbolicLink() || Files.isSymbolicLink(f)) {
            throw new BundleRefusedException(Reason.LINK, rel + " is a symbolic link to "
                + Files.readSymbolicLink(f) + "; a bundle holds regular files only");
          }
          if (!attrs.isRegularFile()) {
            throw new BundleRefusedException(Reason.SPECIAL_FILE, rel + " is not a regular file");
          }
          int links = linkCount(f);
          if (links > 1) {
            throw new BundleRefusedException(Reason.LINK, rel + " is a hard link (" + links + " names)");
          }
          checkPath(rel);
          if (out.size() + 1 > limits.maxEntries()) {
            throw new BundleRefusedException(Reason.OVERSIZED, "more than " + limits.maxEntries() + " files");
          }
          if (attrs.size() > limits.maxEntryBytes()) {
            throw new BundleRefusedException(Reason.OVERSIZED, rel + " is " + attrs.size() + " bytes, limit "
                + limits.maxEntryBytes());
          }
          total[0] += attrs.size();
          if (total[0] > limits.maxTotalBytes()) {
            throw new BundleRefusedException(Reason.OVERSIZED, "content exceeds " + limits.maxTotalBytes()
                + " bytes in all (at " + rel + ")");
          }
          try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            byte[] data = in.readNBytes((int) limits.maxEntryBytes() + 1);
            if (data.length > limits.maxEntryBytes()) {
              throw new BundleRefusedException(Reason.OVERSIZED, rel + " grew past " + limits.maxEntryBytes()
                  + " bytes while being read");
            }
            out.put(rel, data);
          }
        } catch (BundleRefusedException e) {
          refused[0] = e;
          return FileVisitResult.TERMINATE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    if (refused[0] != null) {
      throw refused[0];
    }
    return out;
  }

  private static int linkCount(Path f) throws IOException {
    try {
      return Files.getAttribute(f, "unix:nlink", LinkOption.NOFOLLOW_LINKS) instanceof Integer n ? n : 1;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return 1; // no unix view on this file system
    }
  }

  private static void checkPath(String rel) throws BundleRefusedException {
    try {
      Manifest.checkPath(rel);
    } catch (IllegalArgumentException e) {
      throw new BundleRefusedException(Reason.PATH_TRAVERSAL, e.getMessage(), e);
    }
  }

  private static Reason reason(HostileArchiveException.Reason r) {
    return switch (r) {
      case PATH_TRAVERSAL, ABSOLUTE_PATH, BAD_PATH -> Reason.PATH_TRAVERSAL;
      case LINK -> Reason.LINK;
      case SPECIAL_FILE -> Reason.SPECIAL_FILE;
      case ENTRY_TOO_LARGE, TOTAL_TOO_LARGE, TOO_MANY_ENTRIES -> Reason.OVERSIZED;
      case DUPLICATE_ENTRY, MALFORMED -> Reason.MALFORMED_ARCHIVE;
    };
  }
}
