package dev.sigstack.airgap;

import dev.sigstack.airgap.BundleRefusedException.Reason;
import dev.sigstack.core.archive.HostileArchiveException;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstack.core.tuf.ExpiredException;
import dev.sigstack.core.tuf.Metadata;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import dev.sigstack.core.tuf.TufException;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.tuf.Packager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Verifies a bundle before anything of it is used: hostile-input checks while reading, the manifest
 * signature with the expected key, every file's size and SHA-256, no missing and no extra file, then
 * the TUF repository as a client walks it (signatures, versions, hashes, expiry of every role) and
 * the agreement of the bundle's copies (mirrorFS, TrustRoot, client files) with the repository.
 */
public final class Verifier {

  /**
   * @param key the bundle signing key the site expects (received out of band)
   * @param now the time to check TUF expiry against
   * @param limits bounds on entries and sizes
   * @param pinnedTufRoot a TUF root the site already trusts (its current one) to walk the bundle's
   *     root chain from; null starts from the bundle's own {@code tuf/root.json}
   * @param warnBefore warn about metadata expiring sooner than this
   */
  public record Options(TufKey key, Instant now, TarGz.Limits limits, byte[] pinnedTufRoot, Duration warnBefore) {
    /** 64 MiB a file, 512 MiB in all, 20 000 files. */
    public static final TarGz.Limits DEFAULT_LIMITS = new TarGz.Limits(64L << 20, 512L << 20, 20_000);

    public Options {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(warnBefore, "warnBefore");
      pinnedTufRoot = pinnedTufRoot == null ? null : pinnedTufRoot.clone();
    }

    public static Options of(TufKey key, Instant now) {
      return new Options(key, now, DEFAULT_LIMITS, null, Duration.ofDays(7));
    }
  }

  /** A verified bundle: its manifest, its files, and warnings (metadata expiring soon). */
  public record Verified(Manifest manifest, SortedMap<String, byte[]> files, List<String> warnings, String summary) {
    public Verified {
      files = new TreeMap<>(files);
      warnings = List.copyOf(warnings);
    }
  }

  private Verifier() {}

  /** Reads and verifies the bundle at {@code source} (a directory or a {@code .tar.gz}). */
  public static Verified verify(Path source, Options options, Progress progress)
      throws IOException, BundleRefusedException {
    return verify(BundleReader.read(source, options.limits(), progress), options, progress);
  }

  /** Verifies bundle files already read (paths checked). */
  static Verified verify(SortedMap<String, byte[]> files, Options options, Progress progress)
      throws IOException, BundleRefusedException {
    byte[] manifestBytes = files.get(Manifest.FILE);
    byte[] sig = files.get(Manifest.SIGNATURE_FILE);
    if (manifestBytes == null || sig == null) {
      throw new BundleRefusedException(Reason.NO_MANIFEST, "the bundle has no "
          + (manifestBytes == null ? Manifest.FILE : Manifest.SIGNATURE_FILE) + "; it is not an airgap bundle");
    }
    progress.step("checking the manifest signature");
    ManifestSignature.verify(options.key(), manifestBytes, sig);
    Manifest manifest = Manifest.parse(manifestBytes);

    progress.step("checking " + manifest.files().size() + " files against the manifest");
    List<String> tampered = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    int i = 0;
    for (Manifest.Entry e : manifest.files()) {
      byte[] content = files.get(e.path());
      if (content == null) {
        missing.add(e.path() + " is listed in the manifest but absent");
      } else if (content.length != e.size()) {
        tampered.add(e.path() + " is " + content.length + " bytes, the manifest says " + e.size());
      } else {
        String actual = Manifest.sha256(content);
        if (!actual.equals(e.sha256())) {
          tampered.add(e.path() + " has SHA-256 " + actual + ", the manifest says " + e.sha256());
        }
      }
      progress.count("hashed", ++i, manifest.files().size());
    }
    List<String> extra = new ArrayList<>();
    var listed = new java.util.HashSet<String>();
    manifest.files().forEach(e -> listed.add(e.path()));
    for (String p : files.keySet()) {
      if (!listed.contains(p) && !p.equals(Manifest.FILE) && !p.equals(Manifest.SIGNATURE_FILE)) {
        extra.add(p + " is not listed in the manifest");
      }
    }
    List<String> all = new ArrayList<>(tampered);
    all.addAll(missing);
    all.addAll(extra);
    if (!all.isEmpty()) {
      Reason r = !tampered.isEmpty() ? Reason.TAMPERED : !missing.isEmpty() ? Reason.MISSING_FILE : Reason.EXTRA_FILE;
      throw new BundleRefusedException(r, all, null);
    }

    List<String> warnings = checkTuf(files, manifest, options, progress);
    String summary = String.format("ok: bundle of site %s exported %s, %d files, signed by sha256:%s",
        manifest.site(), manifest.created(), manifest.files().size(), manifest.signingKeySha256());
    return new Verified(manifest, files, warnings, summary);
  }

  private static List<String> checkTuf(SortedMap<String, byte[]> files, Manifest manifest, Options options,
      Progress progress) throws IOException, BundleRefusedException {
    Map<String, byte[]> repo = new TreeMap<>();
    files.forEach((p, c) -> {
      if (p.startsWith(Exporter.TUF_REPOSITORY)) {
        repo.put(p.substring(Exporter.TUF_REPOSITORY.length()), c);
      }
    });
    byte[] bundleRoot = files.get(Exporter.TUF_ROOT);
    if (bundleRoot == null || repo.isEmpty()) {
      throw new BundleRefusedException(Reason.TUF_INVALID, "the bundle has no " + Exporter.TUF_ROOT + " or no "
          + Exporter.TUF_REPOSITORY);
    }
    byte[] start = options.pinnedTufRoot() != null ? options.pinnedTufRoot() : bundleRoot;
    progress.step("walking the TUF repository at " + options.now()
        + (options.pinnedTufRoot() != null ? " from the pinned root" : " from " + Exporter.TUF_ROOT));
    TufClient.Trusted t;
    Map<String, byte[]> targets = new TreeMap<>();
    try {
      TufClient client = TufClient.builder(start, RepositorySource.of(repo)).time(options.now()).build();
      t = client.refresh();
      for (String name : client.targets().keySet()) {
        targets.put(name, client.target(name));
      }
    } catch (ExpiredException e) {
      throw new BundleRefusedException(Reason.EXPIRED, "TUF metadata has expired at " + options.now() + ": "
          + e.getMessage() + "; export a fresh bundle (tuf-repo-builder refresh, or re-sign the role)", e);
    } catch (TufException e) {
      throw new BundleRefusedException(Reason.TUF_INVALID, "the TUF repository does not verify: "
          + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    if (options.pinnedTufRoot() != null && !Arrays.equals(t.root().raw(), bundleRoot)
        && !chainContains(t, bundleRoot)) {
      throw new BundleRefusedException(Reason.TUF_INVALID, Exporter.TUF_ROOT
          + " is not a root the pinned root's chain reaches");
    }

    progress.step("checking the bundle's copies of the trust material against the TUF targets");
    List<String> problems = new ArrayList<>();
    same(problems, files, Exporter.TRUSTED_ROOT, targets.get(TrustMaterial.TRUSTED_ROOT_TARGET),
        "target " + TrustMaterial.TRUSTED_ROOT_TARGET);
    same(problems, files, Exporter.SIGNING_CONFIG, targets.get(TrustMaterial.SIGNING_CONFIG_TARGET),
        "target " + TrustMaterial.SIGNING_CONFIG_TARGET);
    same(problems, files, Exporter.CA_CHAIN, targets.get(Exporter.CA_CHAIN_TARGET),
        "target " + Exporter.CA_CHAIN_TARGET);
    byte[] mirror = files.get(Exporter.MIRROR_FS);
    if (mirror == null) {
      problems.add(Exporter.MIRROR_FS + " is absent");
    } else {
      try {
        Map<String, byte[]> unpacked = MirrorFs.unpack(new ByteArrayInputStream(mirror), options.limits());
        if (!sameFiles(unpacked, repo)) {
          problems.add(Exporter.MIRROR_FS + " does not hold the same files as " + Exporter.TUF_REPOSITORY);
        }
        String expected = Packager.repositoryYaml(manifest.site(), bundleRoot, mirror);
        same(problems, files, Exporter.TRUSTROOT, expected.getBytes(StandardCharsets.UTF_8),
            "the TrustRoot built from " + Exporter.TUF_ROOT + " and " + Exporter.MIRROR_FS);
      } catch (HostileArchiveException e) {
        problems.add(Exporter.MIRROR_FS + " is a hostile archive: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new BundleRefusedException(Reason.TUF_INVALID, problems, null);
    }
    List<String> warnings = new ArrayList<>();
    for (Metadata m : List.of(t.root(), t.timestamp(), t.snapshot(), t.targets())) {
      if (m.expires().isBefore(options.now().plus(options.warnBefore()))) {
        warnings.add(String.format("warning: TUF %s v%d expires at %s, within %d day(s); plan the next bundle",
            m.type(), m.version(), m.expires(), options.warnBefore().toDays()));
      }
    }
    progress.step(String.format("TUF ok: root v%d, timestamp v%d, snapshot v%d, targets v%d, %d target(s)",
        t.root().version(), t.timestamp().version(), t.snapshot().version(), t.targets().version(), targets.size()));
    return warnings;
  }

  private static boolean chainContains(TufClient.Trusted t, byte[] root) {
    return t.rootChain().stream().anyMatch(m -> Arrays.equals(m.raw(), root));
  }

  private static void same(List<String> problems, Map<String, byte[]> files, String path, byte[] expected,
      String what) {
    byte[] actual = files.get(path);
    if (actual == null) {
      problems.add(path + " is absent");
    } else if (expected == null) {
      problems.add(what + " is absent from the TUF repository");
    } else if (!Arrays.equals(actual, expected)) {
      problems.add(path + " differs from " + what);
    }
  }

  private static boolean sameFiles(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (var e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
