package dev.sigstack.core.tuf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where a TUF client reads a repository's files: a directory, an in-memory map (an unpacked
 * mirrorFS) or an HTTP base URL. Paths are relative to the repository root, with {@code /}.
 */
public interface RepositorySource {

  /**
   * Reads one file, refusing to read more than {@code maxLength} bytes.
   *
   * @return the bytes, or empty when the repository has no such file
   * @throws LengthMismatchException when the file is longer than {@code maxLength}
   * @throws IOException when the source cannot be read
   */
  Optional<byte[]> fetch(String path, long maxLength) throws IOException, LengthMismatchException;

  /** A directory on disk. Paths leaving it or running through links are refused. */
  static RepositorySource directory(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    return new RepositorySource() {
      @Override
      public Optional<byte[]> fetch(String path, long maxLength) throws IOException, LengthMismatchException {
        checkRelative(path);
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.of(readLimited(in, path, maxLength));
        }
      }

      @Override
      public String toString() {
        return root.toString();
      }
    };
  }

  /** Files held in memory, keyed by relative path (for example an unpacked mirrorFS). */
  static RepositorySource of(Map<String, byte[]> files) {
    Map<String, byte[]> copy = Map.copyOf(files);
    return new RepositorySource() {
      @Override
      public Optional<byte[]> fetch(String path, long maxLength) throws LengthMismatchException {
        byte[] data = copy.get(path);
        if (data == null) {
          return Optional.empty();
        }
        if (data.length > maxLength) {
          throw new LengthMismatchException(path, maxLength, data.length);
        }
        return Optional.of(data.clone());
      }

      @Override
      public String toString() {
        return "in-memory repository of " + copy.size() + " files";
      }
    };
  }

  /** An HTTP(S) mirror; {@code base} is the repository root URL. 404 and 403 mean absent. */
  static RepositorySource http(URI base) {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    String b = base.toString().endsWith("/") ? base.toString() : base + "/";
    return new RepositorySource() {
      @Override
      public Optional<byte[]> fetch(String path, long maxLength) throws IOException, LengthMismatchException {
        checkRelative(path);
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(b + path)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
          response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted fetching " + path, e);
        }
        try (InputStream in = response.body()) {
          int status = response.statusCode();
          if (status == 404 || status == 403) {
            return Optional.empty();
          }
          if (status != 200) {
            throw new IOException("GET " + request.uri() + ": HTTP " + status);
          }
          return Optional.of(readLimited(in, path, maxLength));
        }
      }

      @Override
      public String toString() {
        return b;
      }
    };
  }

  private static void checkRelative(String path) throws IOException {
    if (path.isEmpty() || path.startsWith("/") || path.contains("\\")
        || ("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./")) {
      throw new IOException("refusing path " + path);
    }
  }

  /** Reads at most {@code maxLength} bytes, failing if there are more. */
  private static byte[] readLimited(InputStream in, String path, long maxLength)
      throws IOException, LengthMismatchException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) > 0) {
      total += n;
      if (total > maxLength) {
        throw new LengthMismatchException(path, maxLength, maxLength + 1);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }
}
