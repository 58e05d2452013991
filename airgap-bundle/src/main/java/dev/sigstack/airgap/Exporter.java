package dev.sigstack.airgap;

import dev.sigstack.airgap.SiteResources.Stage;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstack.core.tuf.TufException;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.tuf.Packager;
import dev.sigstack.tuf.TufRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds a bundle from the site's TUF repository (through tuf-repo-builder's {@link Packager}, which
 * refuses expired or unverifiable metadata), a {@link Site} and an optional TLS trust bundle, and
 * signs its manifest.
 */
public final class Exporter {

  /** Where each part lies inside a bundle. */
  public static final String TUF_REPOSITORY = "tuf/repository/";
  public static final String TUF_ROOT = "tuf/root.json";
  public static final String MIRROR_FS = "tuf/mirrorFS.tar.gz";
  public static final String TRUSTROOT_REMOTE = "tuf/trustroot-remote.yaml";
  public static final String TRUSTROOT = "kubernetes/trustroot.yaml";
  public static final String TRUSTED_ROOT = "clients/" + TrustMaterial.TRUSTED_ROOT_TARGET;
  public static final String SIGNING_CONFIG = "clients/" + TrustMaterial.SIGNING_CONFIG_TARGET;
  public static final String CA_CHAIN = "clients/ca-chain.pem";
  public static final String TLS_BUNDLE = "clients/tls-trust-bundle.pem";
  public static final String COMMANDS = "clients/COMMANDS.md";
  /** The charts whose values an export writes, with the umbrella chart first. */
  public static final List<String> CHARTS = List.of("sigstack", "ca-service", "tlog-service", "tuf-mirror", "log-monitor",
      "admission-gate");
  /** The TUF target holding the CA chain (intermediate first), as tuf-repo-builder names it. */
  static final String CA_CHAIN_TARGET = "fulcio_v1.crt.pem";

  /** What an export produced: every file (manifest and signature included) and any warnings. */
  public record Result(SortedMap<String, byte[]> files, Manifest manifest, List<String> warnings) {
    public Result {
      files = new TreeMap<>(files);
      warnings = List.copyOf(warnings);
    }
  }

  private Exporter() {}

  /**
   * Builds and signs a bundle.
   *
   * @param rootVersion which {@code N.root.json} clients and the cluster start from
   * @param tlsTrustBundle PEM certificates the CI needs to reach the services over TLS; may be null
   */
  public static Result build(TufRepository repo, long rootVersion, Site site, byte[] tlsTrustBundle,
      TufSigner signer, Duration warnBefore, Instant now, Progress progress)
      throws IOException, GeneralSecurityException, Packager.RefusedException, TufException {
    return build(repo, rootVersion, site, tlsTrustBundle, null, signer, warnBefore, now, progress);
  }

  /**
   * Builds and signs a bundle that also carries the Helm charts found in {@code charts} (the
   * project's {@code helm/} folder) under {@code helm/charts/}, so the air-gapped side installs
   * the charts it verified.
   *
   * @param charts a folder holding chart folders, or null
   */
  public static Result build(TufRepository repo, long rootVersion, Site site, byte[] tlsTrustBundle, Path charts,
      TufSigner signer, Duration warnBefore, Instant now, Progress progress)
      throws IOException, GeneralSecurityException, Packager.RefusedException, TufException {
    progress.step("verifying the TUF repository from root v" + rootVersion + " and packaging its mirrorFS");
    Packager.Package pkg = Packager.build(repo, site.name(), rootVersion, site.tuf(), warnBefore, now);
    SortedMap<String, byte[]> files = new TreeMap<>();
    for (var e : repo.files().entrySet()) {
      files.put(TUF_REPOSITORY + e.getKey(), e.getValue());
    }
    files.put(TUF_ROOT, pkg.initialRoot());
    files.put(MIRROR_FS, pkg.mirrorFs());
    files.put(TRUSTROOT, utf8(pkg.repositoryYaml()));
    files.put(TRUSTROOT_REMOTE, utf8(pkg.remoteYaml()));

    Map<String, byte[]> targets = repo.targetContents();
    files.put(TRUSTED_ROOT, required(targets, TrustMaterial.TRUSTED_ROOT_TARGET));
    files.put(SIGNING_CONFIG, required(targets, TrustMaterial.SIGNING_CONFIG_TARGET));
    files.put(CA_CHAIN, required(targets, CA_CHAIN_TARGET));
    if (tlsTrustBundle != null) {
      if (!new String(tlsTrustBundle, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
        throw new IllegalArgumentException("the TLS trust bundle holds no PEM certificate");
      }
      files.put(TLS_BUNDLE, tlsTrustBundle.clone());
    }

    progress.step("writing policies, rollout settings, Helm values and client commands for site " + site.name());
    SiteResources res = new SiteResources(site, SiteResources.lastCertificate(
        new String(files.get(CA_CHAIN), StandardCharsets.US_ASCII)));
    files.put(COMMANDS, utf8(res.clientCommands(tlsTrustBundle != null)));
    for (Stage stage : Stage.values()) {
      String dir = "kubernetes/" + stage.dir + "/";
      files.put(dir + "config-policy-controller.yaml", SiteResources.yaml(res.policyControllerConfig(stage)));
      files.put(dir + site.name() + "-keyless-ci.yaml", SiteResources.yaml(res.keylessPolicy(stage)));
      files.put(dir + site.name() + "-slsa-provenance.yaml", SiteResources.yaml(res.provenancePolicy(stage)));
      files.put(dir + site.name() + "-cyclonedx-sbom.yaml", SiteResources.yaml(res.sbomPolicy(stage)));
      var sidecars = res.sidecarPolicy(stage);
      if (sidecars != null) {
        files.put(dir + site.name() + "-third-party-sidecars.yaml", SiteResources.yaml(sidecars));
      }
    }
    files.put("helm/values-sigstack.yaml", SiteResources.yaml(res.umbrellaValues()));
    for (String chart : CHARTS.subList(1, CHARTS.size())) {
      files.put("helm/values-" + chart + ".yaml", SiteResources.yaml(res.chartValues(chart)));
    }

    if (charts != null) {
      progress.step("adding the Helm charts from " + charts);
      files.putAll(charts(charts));
    }

    progress.step("hashing " + files.size() + " files and signing the manifest");
    Manifest manifest = Manifest.of(site.name(), now, ManifestSignature.fingerprint(signer.key()), files);
    byte[] json = manifest.toJson();
    files.put(Manifest.FILE, json);
    files.put(Manifest.SIGNATURE_FILE, ManifestSignature.sign(signer, json));
    return new Result(files, manifest, pkg.warnings());
  }

  /**
   * Writes a bundle to {@code out}: a gzip tarball when the name ends in {@code .tar.gz} or
   * {@code .tgz}, else a new directory. Refuses to overwrite.
   */
  public static void write(Result bundle, Path out) throws IOException {
    if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(out + " already exists; export writes a new bundle");
    }
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String name = out.getFileName().toString();
    if (isTarball(out)) {
      byte[] tgz = TarGz.write(bundle.files(), bundle.manifest().created().getEpochSecond());
      Path tmp = Files.createTempFile(parent, "." + name, ".tmp");
      Files.write(tmp, tgz);
      try {
        // The bundle holds no secret; readable like any file the exporter writes.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } else {
      Path tmp = Files.createTempDirectory(parent, "." + name + ".");
      for (var e : bundle.files().entrySet()) {
        Path f = tmp.resolve(e.getKey());
        Files.createDirectories(f.getParent());
        Files.write(f, e.getValue());
      }
      Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** The chart files under {@code dir}, keyed {@code helm/charts/<chart>/...}; no links, no built dependencies. */
  static SortedMap<String, byte[]> charts(Path dir) throws IOException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    Path root = dir.toRealPath();
    try (var s = Files.walk(root)) {
      for (Path p : s.toList()) {
        String rel = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (Files.isSymbolicLink(p)) {
          throw new IOException("refusing to bundle the link " + p);
        }
        boolean built = rel.matches("[^/]+/charts/.*") || rel.endsWith("Chart.lock") || rel.endsWith(".tgz");
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || built
            || p.getFileName().toString().startsWith(".")) {
          continue;
        }
        out.put("helm/charts/" + rel, Files.readAllBytes(p));
      }
    }
    if (!out.keySet().stream().anyMatch(k -> k.endsWith("/Chart.yaml"))) {
      throw new IllegalArgumentException(dir + " holds no Helm chart (no */Chart.yaml)");
    }
    return out;
  }

  static boolean isTarball(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".tar.gz") || n.endsWith(".tgz");
  }

  private static byte[] required(Map<String, byte[]> targets, String name) {
    byte[] b = targets.get(name);
    if (b == null) {
      throw new IllegalArgumentException("the TUF repository has no target " + name
          + "; add the stack's targets first (tuf-repo-builder targets --stack stack.yaml)");
    }
    return b;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
