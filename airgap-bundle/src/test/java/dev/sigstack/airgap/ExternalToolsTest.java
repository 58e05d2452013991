package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle works with the tools a site already has: OpenSSL checks the manifest signature with
 * the public key alone, GNU tar reads the exported tarball, and a tarball GNU tar packs from an
 * exported directory verifies.
 */
class ExternalToolsTest {

  @TempDir static Path shared;
  static BundleFixture site;
  static Exporter.Result bundle;

  @TempDir Path tmp;

  @BeforeAll
  static void export() throws Exception {
    site = BundleFixture.create(shared);
    bundle = site.export();
  }

  record Out(int code, String text) {}

  static Out exec(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + List.of(cmd));
    return new Out(p.exitValue(), text);
  }

  static void requireTool(String tool) {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/" + tool)), tool + " is not installed; skipping");
  }

  @Test
  void openssl_verifiesManifestSignatureWithThePublicKey() throws Exception {
    requireTool("openssl");
    Path d = tmp.resolve("b");
    Exporter.write(bundle, d);
    byte[] der = Base64.getDecoder().decode(Files.readString(d.resolve(Manifest.SIGNATURE_FILE)).strip());
    Files.write(tmp.resolve("sig.der"), der);
    Out ok = exec(d, "openssl", "dgst", "-sha256", "-verify", site.signingPub.toString(), "-signature",
        tmp.resolve("sig.der").toString(), Manifest.FILE);
    assertEquals(0, ok.code(), ok.text());
    assertTrue(ok.text().contains("Verified OK"), ok.text());

    Files.writeString(d.resolve(Manifest.FILE), " ", java.nio.file.StandardOpenOption.APPEND);
    Out bad = exec(d, "openssl", "dgst", "-sha256", "-verify", site.signingPub.toString(), "-signature",
        tmp.resolve("sig.der").toString(), Manifest.FILE);
    assertEquals(1, bad.code(), bad.text());
  }

  @Test
  void gnuTar_readsExportedTarball() throws Exception {
    requireTool("tar");
    Path t = tmp.resolve("b.tar.gz");
    Exporter.write(bundle, t);
    Out list = exec(tmp, "tar", "-tzf", t.toString());
    assertEquals(0, list.code(), list.text());
    assertTrue(list.text().lines().anyMatch(l -> l.equals(Manifest.FILE)), list.text());
    Path x = Files.createDirectories(tmp.resolve("x"));
    assertEquals(0, exec(x, "tar", "-xzf", t.toString()).code());
    assertEquals(bundle.files().size(), Verifier.verify(x, site.options(), Progress.NONE).files().size());
  }

  @Test
  void gnuTar_packedFromExportedDirectory_verifies() throws Exception {
    requireTool("tar");
    Path d = tmp.resolve("d");
    Exporter.write(bundle, d);
    Path t = tmp.resolve("repacked.tgz");
    Out pack = exec(tmp, "tar", "-czf", t.toString(), "-C", d.toString(), ".");
    assertEquals(0, pack.code(), pack.text());
    assertEquals("acme", Verifier.verify(t, site.options(), Progress.NONE).manifest().site());
  }
}
