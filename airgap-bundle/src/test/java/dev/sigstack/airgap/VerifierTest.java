package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.airgap.BundleRefusedException.Reason;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Expiries;
import dev.sigstack.tuf.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bundle can be bad gets its own precise refusal; a good bundle verifies. */
class VerifierTest {

  @TempDir static Path shared;
  static BundleFixture site;
  static Exporter.Result bundle;

  @TempDir Path tmp;

  @BeforeAll
  static void export() throws Exception {
    site = BundleFixture.create(shared);
    bundle = site.export();
  }

  private Path dir() throws Exception {
    Path out = tmp.resolve("bundle");
    Exporter.write(bundle, out);
    return out;
  }

  private Path tarball(SortedMap<String, byte[]> files) throws Exception {
    Path out = tmp.resolve("bundle.tar.gz");
    Files.write(out, TarGz.write(files, 0));
    return out;
  }

  private static BundleRefusedException refused(Path source, Verifier.Options options) {
    return assertThrows(BundleRefusedException.class, () -> Verifier.verify(source, options, Progress.NONE));
  }

  @Test
  void verify_exportedDirectory_accepted() throws Exception {
    Verifier.Verified v = Verifier.verify(dir(), site.options(), Progress.NONE);
    assertEquals(bundle.files().keySet(), v.files().keySet());
    assertEquals("acme", v.manifest().site());
    assertTrue(v.summary().startsWith("ok: bundle of site acme"), v.summary());
  }

  @Test
  void verify_exportedTarball_accepted() throws Exception {
    Path out = tmp.resolve("b.tgz");
    Exporter.write(bundle, out);
    assertEquals(bundle.files().size(), Verifier.verify(out, site.options(), Progress.NONE).files().size());
  }

  @Test
  void verify_bundleLayout_holdsEveryPartTheIssueNames() {
    var names = bundle.files().keySet();
    for (String p : new String[] {"tuf/repository/1.root.json", "tuf/repository/timestamp.json", Exporter.MIRROR_FS,
        Exporter.TUF_ROOT, Exporter.TRUSTROOT, Exporter.TRUSTED_ROOT, Exporter.SIGNING_CONFIG, Exporter.CA_CHAIN,
        Exporter.TLS_BUNDLE, Exporter.COMMANDS, "kubernetes/stage1-warn/config-policy-controller.yaml",
        "kubernetes/stage2-enforce/config-policy-controller.yaml", "kubernetes/stage1-warn/acme-keyless-ci.yaml",
        "kubernetes/stage1-warn/acme-slsa-provenance.yaml", "kubernetes/stage1-warn/acme-cyclonedx-sbom.yaml",
        "kubernetes/stage1-warn/acme-third-party-sidecars.yaml", "helm/values-sigstack.yaml",
        "helm/values-ca-service.yaml", "helm/values-tlog-service.yaml", "helm/values-admission-gate.yaml",
        Manifest.FILE, Manifest.SIGNATURE_FILE}) {
      assertTrue(names.contains(p), "bundle lacks " + p);
    }
  }

  @Test
  void verify_tamperedFile_refusedNamingFileAndHashes() throws Exception {
    Path d = dir();
    Files.writeString(d.resolve(Exporter.TRUSTED_ROOT), " ", java.nio.file.StandardOpenOption.APPEND);
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.TAMPERED, e.reason());
    assertTrue(e.problems().get(0).startsWith(Exporter.TRUSTED_ROOT + " is "), e.getMessage());
  }

  @Test
  void verify_sameSizeTamper_refusedBySha256() throws Exception {
    Path d = dir();
    Path f = d.resolve(Exporter.COMMANDS);
    byte[] b = Files.readAllBytes(f);
    b[0] ^= 1;
    Files.write(f, b);
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.TAMPERED, e.reason());
    assertTrue(e.problems().get(0).contains("has SHA-256"), e.getMessage());
  }

  @Test
  void verify_missingFile_refused() throws Exception {
    Path d = dir();
    Files.delete(d.resolve(Exporter.TRUSTROOT));
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.MISSING_FILE, e.reason());
    assertEquals(Exporter.TRUSTROOT + " is listed in the manifest but absent", e.problems().get(0));
  }

  @Test
  void verify_extraFile_refused() throws Exception {
    Path d = dir();
    Files.writeString(d.resolve("kubernetes/stage2-enforce/allow-everything.yaml"), "kind: ClusterImagePolicy\n");
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.EXTRA_FILE, e.reason());
    assertEquals("kubernetes/stage2-enforce/allow-everything.yaml is not listed in the manifest", e.problems().get(0));
  }

  @Test
  void verify_severalProblems_allReported() throws Exception {
    Path d = dir();
    Files.delete(d.resolve(Exporter.TRUSTROOT));
    Files.writeString(d.resolve("extra.txt"), "x");
    BundleRefusedException e = refused(d, site.options());
    assertEquals(2, e.problems().size(), e.getMessage());
  }

  @Test
  void verify_wrongKey_refusedNamingBothKeys() throws Exception {
    TufSigner other = Keys.signer(DevStack.pemPrivate(tmp.resolve("other.key"), DevStack.ec().getPrivate()).toString());
    var opts = Verifier.Options.of(other.key(), site.now);
    BundleRefusedException e = refused(dir(), opts);
    assertEquals(Reason.WRONG_KEY, e.reason());
    assertTrue(e.getMessage().contains("sha256:" + bundle.manifest().signingKeySha256()), e.getMessage());
    assertTrue(e.getMessage().contains("sha256:" + ManifestSignature.fingerprint(other.key())), e.getMessage());
  }

  @Test
  void verify_manifestEditedAfterSigning_badSignature() throws Exception {
    Path d = dir();
    Path m = d.resolve(Manifest.FILE);
    Files.writeString(m, Files.readString(m).replace("\"site\" : \"acme\"", "\"site\" : \"acmf\""));
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.BAD_SIGNATURE, e.reason());
  }

  @Test
  void verify_noManifest_refused() throws Exception {
    Path d = dir();
    Files.delete(d.resolve(Manifest.SIGNATURE_FILE));
    assertEquals(Reason.NO_MANIFEST, refused(d, site.options()).reason());
  }

  @Test
  void verify_symlinkInDirectory_refused() throws Exception {
    Path d = dir();
    Path f = d.resolve(Exporter.CA_CHAIN);
    Files.delete(f);
    Files.createSymbolicLink(f, Path.of("/etc/hostname"));
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.LINK, e.reason());
    assertTrue(e.getMessage().contains(Exporter.CA_CHAIN), e.getMessage());
  }

  @Test
  void verify_hardLinkInDirectory_refused() throws Exception {
    Path d = dir();
    Files.createLink(tmp.resolve("outside"), d.resolve(Exporter.CA_CHAIN));
    assertEquals(Reason.LINK, refused(d, site.options()).reason());
  }

  @Test
  void verify_fifoInDirectory_refusedWithoutBlocking() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")), "no mkfifo");
    Path d = dir();
    Process p = new ProcessBuilder("/usr/bin/mkfifo", d.resolve("clients/pipe").toString()).start();
    assertEquals(0, p.waitFor());
    BundleRefusedException e = refused(d, site.options());
    assertEquals(Reason.SPECIAL_FILE, e.reason());
    assertEquals("clients/pipe is not a regular file", e.problems().get(0));
  }

  @Test
  void verify_oversizedFileInDirectory_refusedBeforeReading() throws Exception {
    var small = new Verifier.Options(site.verifyKey, site.now, new TarGz.Limits(1024, 1 << 20, 1000), null,
        Duration.ofDays(1));
    BundleRefusedException e = refused(dir(), small);
    assertEquals(Reason.OVERSIZED, e.reason());
    assertTrue(e.getMessage().contains("limit 1024"), e.getMessage());
  }

  @Test
  void verify_pathTraversalInTarball_refused() throws Exception {
    Path t = tmp.resolve("evil.tar.gz");
    Files.write(t, new HostileTar().file("MANIFEST.json", new byte[10]).file("../../etc/cron.d/x", new byte[3]).gzip());
    BundleRefusedException e = refused(t, site.options());
    assertEquals(Reason.PATH_TRAVERSAL, e.reason());
    assertTrue(e.getMessage().contains("../../etc/cron.d/x"), e.getMessage());
  }

  @Test
  void verify_absolutePathInTarball_refused() throws Exception {
    Path t = tmp.resolve("evil.tar.gz");
    Files.write(t, new HostileTar().file("/etc/passwd", new byte[3]).gzip());
    assertEquals(Reason.PATH_TRAVERSAL, refused(t, site.options()).reason());
  }

  @Test
  void verify_symlinkInTarball_refused() throws Exception {
    Path t = tmp.resolve("evil.tar.gz");
    Files.write(t, new HostileTar().entry("clients/ca-chain.pem", '2', new byte[0], "/etc/shadow").gzip());
    assertEquals(Reason.LINK, refused(t, site.options()).reason());
  }

  @Test
  void verify_hardLinkInTarball_refused() throws Exception {
    Path t = tmp.resolve("evil.tar.gz");
    Files.write(t, new HostileTar().entry("clients/ca-chain.pem", '1', new byte[0], "MANIFEST.json").gzip());
    assertEquals(Reason.LINK, refused(t, site.options()).reason());
  }

  @Test
  void verify_deviceInTarball_refused() throws Exception {
    Path t = tmp.resolve("evil.tar.gz");
    Files.write(t, new HostileTar().entry("dev/sda", '4', new byte[0], "").gzip());
    assertEquals(Reason.SPECIAL_FILE, refused(t, site.options()).reason());
  }

  @Test
  void verify_oversizedEntryInTarball_refusedFromHeader() throws Exception {
    var small = new Verifier.Options(site.verifyKey, site.now, new TarGz.Limits(1024, 1 << 20, 1000), null,
        Duration.ofDays(1));
    BundleRefusedException e = refused(tarball(bundle.files()), small);
    assertEquals(Reason.OVERSIZED, e.reason());
  }

  @Test
  void verify_truncatedTarball_refused() throws Exception {
    byte[] tgz = TarGz.write(bundle.files(), 0);
    Path t = tmp.resolve("cut.tar.gz");
    Files.write(t, java.util.Arrays.copyOf(tgz, tgz.length / 2));
    assertEquals(Reason.MALFORMED_ARCHIVE, refused(t, site.options()).reason());
  }

  @Test
  void verify_notGzip_refused() throws Exception {
    Path t = tmp.resolve("plain.tar.gz");
    Files.writeString(t, "not a tarball");
    assertEquals(Reason.MALFORMED_ARCHIVE, refused(t, site.options()).reason());
  }

  @Test
  void verify_afterTimestampExpiry_refusedAsExpired() throws Exception {
    var later = Verifier.Options.of(site.verifyKey, site.now.plus(Duration.ofDays(8)));
    BundleRefusedException e = refused(dir(), later);
    assertEquals(Reason.EXPIRED, e.reason());
    assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
  }

  @Test
  void verify_expiredRoot_refusedAsExpired(@TempDir Path other) throws Exception {
    // Root valid 2 days, the other roles 30: the root is what expires first.
    Duration d30 = Duration.ofDays(30);
    BundleFixture s = BundleFixture.create(other, new Expiries(Duration.ofDays(2), d30, d30, d30), null, null);
    Path out = tmp.resolve("short-root");
    Exporter.write(s.export(), out);
    BundleRefusedException e = refused(out, Verifier.Options.of(s.verifyKey, s.now.plus(Duration.ofDays(3))));
    assertEquals(Reason.EXPIRED, e.reason());
    assertTrue(e.getMessage().contains("root"), e.getMessage());
  }

  @Test
  void verify_expiringSoon_acceptedWithWarning() throws Exception {
    var soon = new Verifier.Options(site.verifyKey, site.now.plus(Duration.ofDays(5)), Verifier.Options.DEFAULT_LIMITS,
        null, Duration.ofDays(7));
    Verifier.Verified v = Verifier.verify(dir(), soon, Progress.NONE);
    assertTrue(v.warnings().stream().anyMatch(w -> w.contains("timestamp")), v.warnings().toString());
  }

  @Test
  void verify_tufMetadataAlteredAndManifestResigned_refusedByTuf() throws Exception {
    // A signing-key holder cannot slip altered TUF metadata past the TUF keys.
    SortedMap<String, byte[]> files = new TreeMap<>(bundle.files());
    String ts = Exporter.TUF_REPOSITORY + "timestamp.json";
    String edited = new String(files.get(ts), StandardCharsets.UTF_8).replace("\"_type\" : \"timestamp\",",
        "\"_type\" : \"timestamp\", \"x-edited\" : true,");
    assertTrue(edited.contains("x-edited"), "the test's edit must apply");
    files.put(ts, edited.getBytes(StandardCharsets.UTF_8));
    resign(files);
    BundleRefusedException e = refused(tarball(files), site.options());
    assertEquals(Reason.TUF_INVALID, e.reason());
  }

  @Test
  void verify_clientTrustedRootSwappedAndManifestResigned_refused() throws Exception {
    SortedMap<String, byte[]> files = new TreeMap<>(bundle.files());
    files.put(Exporter.TRUSTED_ROOT, "{}".getBytes(StandardCharsets.UTF_8));
    resign(files);
    BundleRefusedException e = refused(tarball(files), site.options());
    assertEquals(Reason.TUF_INVALID, e.reason());
    assertTrue(e.getMessage().contains(Exporter.TRUSTED_ROOT + " differs from target trusted_root.json"),
        e.getMessage());
  }

  @Test
  void verify_pinnedRootOfAnotherRepository_refused(@TempDir Path other) throws Exception {
    BundleFixture s = BundleFixture.create(other);
    var pinned = new Verifier.Options(site.verifyKey, site.now, Verifier.Options.DEFAULT_LIMITS,
        Files.readAllBytes(s.repoDir.resolve("1.root.json")), Duration.ofDays(1));
    assertEquals(Reason.TUF_INVALID, refused(dir(), pinned).reason());
  }

  private static void resign(SortedMap<String, byte[]> files) throws Exception {
    files.remove(Manifest.FILE);
    files.remove(Manifest.SIGNATURE_FILE);
    Manifest m = Manifest.of("acme", site.now, bundle.manifest().signingKeySha256(), files);
    files.put(Manifest.FILE, m.toJson());
    files.put(Manifest.SIGNATURE_FILE, ManifestSignature.sign(site.signer, m.toJson()));
  }
}
