package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each bad setting in site.yaml is named in the error. */
class SiteTest {

  @TempDir static Path dir;
  static String good;

  @BeforeAll
  static void fixture() throws Exception {
    good = Files.readString(BundleFixture.create(dir.resolve("f")).siteFile);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "name: acme|name: Acme Corp|name must be a lower-case DNS label",
      "tuf: https://tuf.acme.internal|tuf: ftp://tuf.acme.internal|not an http(s) URL",
      "images: [\"registry.acme.internal/apps/**\"]|images: []|images: give at least one glob",
      "sidecars: [\"registry.acme.internal/third-party/envoy:v1.31.*\"]|sidecars: [\"**\"]|too broad for a static pass",
      "cidrs: [10.20.0.10/32]|cidrs: [registry]|registry.cidrs: not a CIDR",
      "apiServer: {cidrs: [10.96.0.1/32, 172.18.0.2/32], ports: [443, 6443]}|apiServer: {ports: [443]}|apiServer.cidrs",
      "ports: [443, 5000]|ports: [443, 70000]|port out of range",
      "ca: {keySecret: sigstack-ca-key}|ca: {}|exactly one of keySecret or pkcs11.secret",
      "passwordSecret: sigstack-tlog-db|passwordSecret: ''|postgres.passwordSecret is required"})
  void read_badSetting_namedInError(String from, String to, String message) throws Exception {
    assertTrue(good.contains(from), "fixture lacks " + from);
    Path f = dir.resolve("site.yaml");
    Files.writeString(f, good.replace(from, to));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Site.read(f));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void read_badSubjectRegExp_refused() throws Exception {
    Path f = dir.resolve("site-re.yaml");
    Files.writeString(f, good.replaceFirst("subjectRegExp: .*", "subjectRegExp: '(unclosed'"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Site.read(f));
    assertTrue(e.getMessage().startsWith("ci.subjectRegExp is not a regular expression"), e.getMessage());
  }

  @Test
  void read_goodSite_defaultsApplied() throws Exception {
    Path f = dir.resolve("site-ok.yaml");
    Files.writeString(f, good);
    Site s = Site.read(f);
    assertEquals("ci-provider", s.issuerType());
    assertEquals("gitlab-pipeline", s.ciProvider());
    assertEquals("verify-full", s.postgres().sslmode());
    assertEquals("fulcio", s.caKey().pkcs11KeyAlias());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // the typos: each used to export a bundle without the setting
      "sidecars:|sidecar:|unknown key 'sidecar' (did you mean 'sidecars'?)",
      "breakGlassNamespace:|breakGlassNamspace:|unknown key 'breakGlassNamspace' (did you mean 'breakGlassNamespace'?)",
      "subjectRegExp:|subjectRegexp:|unknown key 'ci.subjectRegexp' (did you mean 'subjectRegExp'?)",
      "passwordSecret:|pasword:|unknown key 'postgres.pasword'"})
  void read_unknownKey_refusedWithLineAndClosestKey(String from, String to, String message) throws Exception {
    assertTrue(good.contains(from), "fixture lacks " + from);
    Path f = dir.resolve("site-typo.yaml");
    String typo = good.replace(from, to);
    Files.writeString(f, typo);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Site.read(f));
    int line = 1 + (int) typo.substring(0, typo.indexOf(to)).chars().filter(c -> c == '\n').count();
    assertTrue(e.getMessage().startsWith(f + ":" + line + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void read_emptyFile_refused() throws Exception {
    Path f = dir.resolve("site-empty.yaml");
    Files.writeString(f, "\n# nothing yet\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Site.read(f));
    assertTrue(e.getMessage().contains("holds no settings") || e.getMessage().contains("is empty"), e.getMessage());
  }
}
