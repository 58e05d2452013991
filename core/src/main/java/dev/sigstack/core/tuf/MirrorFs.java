package dev.sigstack.core.tuf;

import dev.sigstack.core.archive.HostileArchiveException;
import dev.sigstack.core.archive.TarGz;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A TUF repository as policy-controller's {@code TrustRoot.spec.repository.mirrorFS} carries it: a
 * gzip-compressed tar whose entries all lie under {@code repository/} (policy-controller strips the
 * prefix {@code /repository/}, {@code v1alpha1.DefaultTUFRepoPrefix}), metadata at the top and
 * target files under {@code repository/targets/}.
 */
public final class MirrorFs {

  /** The folder every entry lies under. */
  public static final String PREFIX = "repository/";

  /**
   * policy-controller's {@code UncompressMemFS} reads each file with a single {@code tar.Reader.Read}
   * over a gzip stream, and Go's inflater returns at most up to its next 32 KiB window boundary
   * per read. {@link #pack} therefore keeps every file of up to this size within one window, and
   * files larger than this may be cut short by policy-controller.
   */
  public static final int GO_INFLATE_WINDOW = 32 * 1024;

  private MirrorFs() {}

  /** Packs repository files (paths relative to the repository root) under {@code repository/}. */
  public static byte[] pack(Map<String, byte[]> repositoryFiles, long mtimeSeconds) throws IOException {
    SortedMap<String, byte[]> files = new TreeMap<>();
    repositoryFiles.forEach((k, v) -> files.put(PREFIX + k, v));
    return TarGz.write(files, mtimeSeconds, GO_INFLATE_WINDOW);
  }

  /**
   * Unpacks a mirrorFS into repository files keyed by path relative to {@code repository/};
   * entries outside {@code repository/} are ignored. Hostile archives are refused.
   */
  public static Map<String, byte[]> unpack(InputStream tarGz, TarGz.Limits limits)
      throws IOException, HostileArchiveException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (var e : TarGz.read(tarGz, limits).entrySet()) {
      if (e.getKey().startsWith(PREFIX)) {
        out.put(e.getKey().substring(PREFIX.length()), e.getValue());
      }
    }
    return out;
  }

  /** A {@link RepositorySource} over an unpacked mirrorFS. */
  public static RepositorySource source(InputStream tarGz, TarGz.Limits limits)
      throws IOException, HostileArchiveException {
    return RepositorySource.of(unpack(tarGz, limits));
  }
}
