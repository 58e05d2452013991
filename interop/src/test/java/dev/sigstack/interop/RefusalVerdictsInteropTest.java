package dev.sigstack.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstore.tuf.RoleExpiredException;
import dev.sigstore.tuf.RollbackVersionException;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SignatureVerificationException;
import dev.sigstore.tuf.SigstoreTufClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expired, rolled-back and mis-signed repositories (built by our CLI, served by our server): our
 * {@code verify}, sigstore-java 2.0.0 and tuf-js 5.x each refuse them, with their own names for the
 * same failure.
 */
class RefusalVerdictsInteropTest {

  @TempDir Path tmp;

  private static SigstoreTufClient sigstoreJava(URI mirror, Path root, Path cache) throws Exception {
    return SigstoreTufClient.builder().tufMirror(URI.create(mirror + "/"), RootProvider.fromFile(root))
        .tufCacheLocation(cache).build();
  }

  private static String firstError(Sigstack.Result r) {
    return r.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(r.err());
  }

  @Test
  void expiredTimestamp_refusedByAllThree() throws Exception {
    Sigstack.nodeScripts();
    Path keys = tmp.resolve("keys");
    Path repo = tmp.resolve("repository");
    Sigstack.ok("dev-stack", "--out", keys.toString());
    // Signed two days ago with a one-day timestamp: expired now.
    Sigstack.ok("init", "--repo", repo.toString(), "--root-key", keys.resolve("root1.key").toString(),
        "--targets-key", keys.resolve("targets.key").toString(), "--snapshot-key", keys.resolve("snapshot.key").toString(),
        "--timestamp-key", keys.resolve("timestamp.key").toString(), "--stack", keys.resolve("stack.yaml").toString(),
        "--time", Instant.now().minus(Duration.ofDays(2)).toString(), "--timestamp-expires", "1d");
    Path root = repo.resolve("1.root.json");

    var ours = Sigstack.cli("verify", "--repo", repo.toString());
    assertEquals(1, ours.exit());
    assertTrue(firstError(ours).startsWith("error: ExpiredException: timestamp expired at "), ours.err());
    try (Sigstack.Server s = new Sigstack.Server(repo)) {
      assertThrows(RoleExpiredException.class, () -> sigstoreJava(s.url, root, tmp.resolve("java")).forceUpdate());
      var js = Sigstack.node("tuf-refresh.js", s.url.toString(), root.toString(), tmp.resolve("js").toString(),
          "trusted_root.json");
      assertEquals(1, js.exit(), js.out());
      assertEquals("{\"error\":\"Final timestamp.json is expired\",\"name\":\"ExpiredMetadataError\"}", js.out().strip());
    }
  }

  @Test
  void timestampRolledBack_refusedByAllThree() throws Exception {
    Sigstack.nodeScripts();
    Sigstack.Repo r = Sigstack.build(tmp);
    Path root = r.repo().resolve("1.root.json");
    byte[] v1 = Files.readAllBytes(r.repo().resolve("timestamp.json"));
    Sigstack.ok("refresh", "--repo", r.repo().toString(), "--key", r.key("snapshot.key").toString(),
        "--key", r.key("timestamp.key").toString());
    Path v2 = Files.copy(r.repo().resolve("timestamp.json"), tmp.resolve("trusted-timestamp.json"));
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      // Each client first sees version 2 ...
      sigstoreJava(s.url, root, tmp.resolve("java")).forceUpdate();
      var js = Sigstack.node("tuf-refresh.js", s.url.toString(), root.toString(), tmp.resolve("js").toString(),
          "trusted_root.json");
      assertTrue(js.out().contains("\"timestampVersion\":2"), js.out());
      // ... then the mirror serves version 1 again.
      Files.write(r.repo().resolve("timestamp.json"), v1);
      var e = assertThrows(RollbackVersionException.class,
          () -> sigstoreJava(s.url, root, tmp.resolve("java")).forceUpdate());
      assertEquals(2, e.getCurrentVersion());
      assertEquals(1, e.getFoundVersion());
      var js2 = Sigstack.node("tuf-refresh.js", s.url.toString(), root.toString(), tmp.resolve("js").toString(),
          "trusted_root.json");
      assertEquals(1, js2.exit(), js2.out());
      assertEquals("{\"error\":\"New timestamp version 1 is less than current version 2\",\"name\":\"BadVersionError\"}",
          js2.out().strip());
    }
    var ours = Sigstack.cli("verify", "--repo", r.repo().toString(), "--trusted-timestamp", v2.toString());
    assertEquals(1, ours.exit());
    assertEquals("error: RollbackException: rollback of timestamp: trusted version 2, found version 1", firstError(ours));
  }

  @Test
  void timestampSignatureCorrupted_refusedByAllThree() throws Exception {
    Sigstack.nodeScripts();
    Sigstack.Repo r = Sigstack.build(tmp);
    Path root = r.repo().resolve("1.root.json");
    String good = Files.readString(r.repo().resolve("timestamp.json"));
    // Flip one hex digit inside the only signature: it no longer verifies.
    int sig = good.indexOf("\"sig\"");
    int at = good.indexOf('"', good.indexOf(':', sig) + 1) + 20;
    String bad = good.substring(0, at) + (good.charAt(at) == '0' ? '1' : '0') + good.substring(at + 1);
    Files.writeString(r.repo().resolve("timestamp.json"), bad);

    var ours = Sigstack.cli("verify", "--repo", r.repo().toString());
    assertEquals(1, ours.exit(), ours.out() + ours.err());
    assertEquals("error: SignatureThresholdException: timestamp.json: role timestamp needs 1 valid signature(s), found 0",
        firstError(ours));
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      var e = assertThrows(SignatureVerificationException.class,
          () -> sigstoreJava(s.url, root, tmp.resolve("java")).forceUpdate());
      assertEquals(1, e.getRequiredSignatures());
      assertEquals(0, e.getVerifiedSignatures());
      var js = Sigstack.node("tuf-refresh.js", s.url.toString(), root.toString(), tmp.resolve("js").toString(),
          "trusted_root.json");
      assertEquals(1, js.exit(), js.out());
      assertTrue(js.out().contains("\"name\":\"UnsignedMetadataError\""), js.out());
    }
  }
}
