package dev.sigstack.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tuf-js 5.x and @sigstore/tuf 4.x (unchanged, from npm) against repositories built by our CLI
 * and served by {@code tuf-repo-builder serve} on loopback.
 */
class TufJsInteropTest {

  @TempDir Path tmp;

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static String trustedRootFile(Path repo) throws Exception {
    try (var s = Files.list(repo.resolve("targets"))) {
      return s.map(Path::toString).filter(n -> n.endsWith(".trusted_root.json")).findFirst().orElseThrow();
    }
  }

  @Test
  void tufJs_beforeAndAfterRootRotation_downloadsTrustedRoot() throws Exception {
    Sigstack.nodeScripts();
    Sigstack.Repo r = Sigstack.build(tmp);
    String root1 = r.repo().resolve("1.root.json").toString();
    String expected = sha256(Path.of(trustedRootFile(r.repo())));
    Path cache = tmp.resolve("tufjs-cache");
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      var before = Sigstack.node("tuf-refresh.js", s.url.toString(), root1, cache.toString(), "trusted_root.json");
      assertEquals(0, before.exit(), before.out() + before.err());
      assertTrue(before.out().contains("\"sha256\":\"" + expected + "\""), before.out());
      assertTrue(before.out().contains("\"rootVersion\":1"), before.out());

      Sigstack.rotate(r);
      // The same cache: tuf-js walks 1 -> 2 with the old root's trust.
      var after = Sigstack.node("tuf-refresh.js", s.url.toString(), root1, cache.toString(), "trusted_root.json");
      assertEquals(0, after.exit(), after.out() + after.err());
      assertTrue(after.out().contains("\"rootVersion\":2"), after.out());
      assertTrue(after.out().contains("\"sha256\":\"" + expected + "\""), after.out());

      // A fresh client from version 1 too, and the signing config target.
      var fresh = Sigstack.node("tuf-refresh.js", s.url.toString(), root1, tmp.resolve("fresh").toString(),
          "signing_config.v0.2.json");
      assertEquals(0, fresh.exit(), fresh.out() + fresh.err());
      assertTrue(fresh.out().contains("\"rootVersion\":2"), fresh.out());
    }
  }

  @Test
  void sigstoreTuf_getTrustedRoot_returnsStackTrustedRoot() throws Exception {
    Sigstack.nodeScripts();
    Sigstack.Repo r = Sigstack.build(tmp);
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      var out = Sigstack.node("sigstore-tuf.js", s.url.toString(), r.repo().resolve("1.root.json").toString(),
          tmp.resolve("sigstore-cache").toString());
      assertEquals(0, out.exit(), out.out() + out.err());
      assertEquals("{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"tlogs\":1,"
          + "\"ctlogs\":1,\"certificateAuthorities\":1,\"timestampAuthorities\":1,"
          + "\"tlogBaseUrls\":[\"http://sigstack.internal/rekor\"]}", out.out().strip());
    }
  }

  @Test
  void tufJs_repositoryUnpackedFromMirrorFs_sameResultAsServedRepository() throws Exception {
    Sigstack.nodeScripts();
    Sigstack.Repo r = Sigstack.build(tmp);
    Sigstack.rotate(r);
    Path out = tmp.resolve("package");
    Sigstack.ok("package", "--repo", r.repo().toString(), "--out", out.toString());
    Path unpacked = Sigstack.untar(out.resolve("mirrorFS.tar.gz"), tmp.resolve("unpacked"));
    String root = out.resolve("root.json").toString();
    String direct;
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      var res = Sigstack.node("tuf-refresh.js", s.url.toString(), root, tmp.resolve("c1").toString(), "trusted_root.json");
      assertEquals(0, res.exit(), res.out() + res.err());
      direct = res.out();
      var js = Sigstack.node("sigstore-tuf.js", s.url.toString(), root, tmp.resolve("c3").toString());
      assertEquals(0, js.exit(), js.out() + js.err());
      direct += js.out();
    }
    String fromMirror;
    try (Sigstack.Server s = new Sigstack.Server(unpacked)) {
      var res = Sigstack.node("tuf-refresh.js", s.url.toString(), root, tmp.resolve("c2").toString(), "trusted_root.json");
      assertEquals(0, res.exit(), res.out() + res.err());
      fromMirror = res.out();
      var js = Sigstack.node("sigstore-tuf.js", s.url.toString(), root, tmp.resolve("c4").toString());
      assertEquals(0, js.exit(), js.out() + js.err());
      fromMirror += js.out();
    }
    assertTrue(direct.contains("\"rootVersion\":2"), direct);
    assertEquals(direct, fromMirror);
  }
}
