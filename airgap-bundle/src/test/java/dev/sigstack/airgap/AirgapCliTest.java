package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end: what it prints and the exit codes scripts rely on. */
class AirgapCliTest {

  @TempDir static Path shared;
  static BundleFixture site;
  static Path bundle;

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AirgapCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  static void export() throws Exception {
    site = BundleFixture.create(shared.resolve("site"));
    bundle = shared.resolve("acme-bundle.tar.gz");
    Run r = run("export", "--repo", site.repoDir.toString(), "--site", site.siteFile.toString(), "--key",
        site.signingKey.toString(), "--tls-trust-bundle", site.tlsBundle.toString(), "--out", bundle.toString());
    assertEquals(ExitCodes.OK, r.code(), r.err());
  }

  @Test
  void export_writesTarballAndReportsProgress() {
    assertTrue(Files.isRegularFile(bundle));
    Run again = run("export", "--repo", site.repoDir.toString(), "--site", site.siteFile.toString(), "--key",
        site.signingKey.toString(), "--out", bundle.toString());
    assertEquals(ExitCodes.ERROR, again.code(), "export never overwrites");
    assertTrue(again.err().contains("already exists"), again.err());
  }

  @Test
  void export_withCharts_carriesThemAndVerifies() throws Exception {
    String helm = System.getProperty("sigstack.helm", "../helm");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of(helm)), "no helm/ at " + helm);
    Path out = tmp.resolve("with-charts");
    Run r = run("export", "--repo", site.repoDir.toString(), "--site", site.siteFile.toString(), "--key",
        site.signingKey.toString(), "--charts", helm, "--out", out.toString());
    assertEquals(ExitCodes.OK, r.code(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("helm/charts/sigstack/Chart.yaml")));
    assertTrue(Files.isRegularFile(out.resolve("helm/charts/admission-gate/files/crds/trustroot.yaml")));
    assertEquals(ExitCodes.OK, run("verify", out.toString(), "--key", site.signingPub.toString()).code());
  }

  @Test
  void verify_goodBundle_exitZeroWithSummaryOnStdout() {
    Run r = run("verify", bundle.toString(), "--key", site.signingPub.toString());
    assertEquals(ExitCodes.OK, r.code(), r.err());
    assertTrue(r.out().startsWith("ok: bundle of site acme"), r.out());
    assertTrue(r.err().contains("checking the manifest signature"), "progress goes to stderr: " + r.err());
    assertTrue(r.err().contains("hashed"), r.err());
  }

  @Test
  void verify_wrongKey_exit3() throws Exception {
    Path other = tmp.resolve("keys");
    assertEquals(ExitCodes.OK, run("keygen", "--out", other.toString()).code());
    Run r = run("verify", bundle.toString(), "--key", other.resolve("bundle-signing.pub").toString());
    assertEquals(ExitCodes.SIGNATURE, r.code());
    assertTrue(r.err().contains("refused (WRONG_KEY)"), r.err());
  }

  @Test
  void verify_tamperedDirectory_exit4() throws Exception {
    Path dir = tmp.resolve("imported");
    assertEquals(ExitCodes.OK, run("import", bundle.toString(), "--into", dir.toString(), "--key",
        site.signingPub.toString()).code());
    Files.writeString(dir.resolve("kubernetes/stage2-enforce/config-policy-controller.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-policy-controller}\ndata: {no-match-policy: allow}\n");
    Run r = run("verify", dir.toString(), "--key", site.signingPub.toString());
    assertEquals(ExitCodes.INTEGRITY, r.code());
    assertTrue(r.err().contains("kubernetes/stage2-enforce/config-policy-controller.yaml"), r.err());
  }

  @Test
  void verify_pathTraversal_exit5() throws Exception {
    Path t = tmp.resolve("evil.tgz");
    Files.write(t, new HostileTar().file("../x", new byte[1]).gzip());
    Run r = run("verify", t.toString(), "--key", site.signingPub.toString());
    assertEquals(ExitCodes.HOSTILE, r.code());
    assertTrue(r.err().contains("PATH_TRAVERSAL"), r.err());
  }

  @Test
  void verify_expired_exit6() {
    Run r = run("verify", bundle.toString(), "--key", site.signingPub.toString(), "--time",
        site.now.plus(Duration.ofDays(30)).toString());
    assertEquals(ExitCodes.TUF, r.code());
    assertTrue(r.err().contains("refused (EXPIRED)"), r.err());
  }

  @Test
  void import_intoNonEmptyDirectory_exit7AndNothingWritten() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(dir.resolve("keep.txt"), "mine");
    Run r = run("import", bundle.toString(), "--into", dir.toString(), "--key", site.signingPub.toString());
    assertEquals(ExitCodes.DESTINATION, r.code());
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void import_goodBundle_printsNextStep() {
    Path dir = tmp.resolve("site-config");
    Run r = run("import", bundle.toString(), "--into", dir.toString(), "--key", site.signingPub.toString());
    assertEquals(ExitCodes.OK, r.code(), r.err());
    assertTrue(r.out().contains("kubectl apply -f"), r.out());
    assertTrue(Files.isRegularFile(dir.resolve("kubernetes/trustroot.yaml")));
  }

  @Test
  void badSiteFile_exit2() throws Exception {
    Path bad = tmp.resolve("site.yaml");
    Files.writeString(bad, Files.readString(site.siteFile).replace("name: acme", "name: ACME_Corp"));
    Run r = run("export", "--repo", site.repoDir.toString(), "--site", bad.toString(), "--key",
        site.signingKey.toString(), "--out", tmp.resolve("x").toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("name must be a lower-case DNS label"), r.err());
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void missingOption_exit2() {
    assertEquals(ExitCodes.USAGE, run("verify", bundle.toString()).code());
  }

  @Test
  void help_listsExitCodes() {
    Run r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("Exit codes:") && r.out().contains("TUF metadata expired"), r.out());
  }
}
