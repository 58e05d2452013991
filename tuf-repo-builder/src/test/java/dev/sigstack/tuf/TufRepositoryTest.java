package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.tuf.ExpiredException;
import dev.sigstack.core.tuf.HashMismatchException;
import dev.sigstack.core.tuf.LengthMismatchException;
import dev.sigstack.core.tuf.Metadata;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.RollbackException;
import dev.sigstack.core.tuf.SignatureThresholdException;
import dev.sigstack.core.tuf.TufClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TufRepositoryTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  @TempDir Path tmp;
  Fixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new Fixture(tmp, NOW);
  }

  private byte[] root1() throws Exception {
    return Files.readAllBytes(f.repoDir.resolve("1.root.json"));
  }

  @Test
  void init_stackTargets_verifiesWithEveryTargetHashPrefixed() throws Exception {
    TufRepository repo = f.init();
    var trusted = repo.verify(root1(), NOW);
    assertEquals(1, trusted.root().version());
    var targets = trusted.targets().targets();
    assertEquals(Set.of("trusted_root.json", "signing_config.v0.2.json", "fulcio_v1.crt.pem", "rekor.pub", "ctfe.pub",
        "tsa.certchain.pem"), targets.keySet());
    for (var e : targets.entrySet()) {
      assertEquals(Set.of("sha256"), e.getValue().hashes().keySet(), "targets list only sha256");
      String sha = e.getValue().hashes().get("sha256");
      assertTrue(Files.isRegularFile(f.repoDir.resolve("targets/" + sha + "." + e.getKey())), e.getKey());
    }
    var snapMeta = trusted.timestamp().meta().get("snapshot.json");
    assertEquals(Files.size(f.repoDir.resolve("1.snapshot.json")), snapMeta.length());
    assertEquals(true, trusted.root().rootInfo().consistentSnapshot());
    assertEquals("Fulcio", targets.get("fulcio_v1.crt.pem").custom().get("sigstore").get("usage").asText());
  }

  @Test
  void init_tooFewRootSigners_throwsSigningException() {
    var e = assertThrows(SigningException.class, () -> TufRepository.init(f.repoDir, f.roles(),
        Map.of(), List.of(f.root1, f.targets, f.snapshot, f.timestamp), Expiries.DEFAULT, NOW));
    assertEquals("root", e.role());
    assertEquals(2, e.required());
    assertEquals(1, e.available());
  }

  @Test
  void putTargets_replaceAndRemove_newVersionsVerifyAndOldFilesStay() throws Exception {
    TufRepository repo = f.init();
    String oldSha = repo.current().get("targets").targets().get("rekor.pub").hashes().get("sha256");
    repo.putTargets(Map.of("rekor.pub", new Target("new key".getBytes(StandardCharsets.UTF_8), null),
        "dir/extra.txt", new Target("x".getBytes(StandardCharsets.UTF_8), null)), Set.of("ctfe.pub"), f.signers(),
        Expiries.DEFAULT, NOW);
    var trusted = TufRepository.open(f.repoDir).verify(root1(), NOW);
    assertEquals(2, trusted.targets().version());
    assertEquals(2, trusted.snapshot().version());
    assertEquals(2, trusted.timestamp().version());
    assertTrue(!trusted.targets().targets().containsKey("ctfe.pub"));
    assertTrue(Files.isRegularFile(f.repoDir.resolve("targets/" + oldSha + ".rekor.pub")), "consistent snapshots keep old files");
    String sha = trusted.targets().targets().get("dir/extra.txt").hashes().get("sha256");
    assertTrue(Files.isRegularFile(f.repoDir.resolve("targets/dir/" + sha + ".extra.txt")));
  }

  @Test
  void rotateRoot_oldAndNewThresholds_clientWalksFromVersionOne() throws Exception {
    TufRepository repo = f.init();
    var roles = f.roles();
    roles.put("root", new RoleSpec(List.of(f.root3.key(), f.ed25519.key()), 2));
    roles.put("timestamp", new RoleSpec(List.of(f.ed25519.key()), 1));
    var signers = f.signers();
    signers.addAll(List.of(f.root3, f.ed25519));
    repo.rotateRoot(roles, signers, Expiries.DEFAULT, NOW);

    var trusted = TufRepository.open(f.repoDir).verify(root1(), NOW);
    assertEquals(2, trusted.root().version());
    assertEquals(2, trusted.rootChain().size());
    Metadata root2 = trusted.root();
    // signed by a threshold of version 1's keys and of its own
    root2.verifySignatures(trusted.rootChain().get(0).rootInfo(), "root");
    root2.verifySignatures(root2.rootInfo(), "root");
    assertTrue(Files.isRegularFile(f.repoDir.resolve("1.root.json")), "every N.root.json stays published");
    assertEquals(List.of(f.ed25519.key().keyId()), root2.rootInfo().roles().get("timestamp").keyIds());
  }

  @Test
  void rotateRoot_withoutOldKeys_throwsSigningException() throws Exception {
    TufRepository repo = f.init();
    var roles = f.roles();
    roles.put("root", new RoleSpec(List.of(f.root3.key(), f.ed25519.key()), 1));
    var e = assertThrows(SigningException.class, () -> repo.rotateRoot(roles,
        List.of(f.root3, f.ed25519, f.snapshot, f.timestamp), Expiries.DEFAULT, NOW));
    assertEquals("root (old keys of version 1)", e.role());
    assertEquals(2, e.required());
    assertEquals(1, e.available());
  }

  @Test
  void verify_rootSignedOnlyByNewKeys_throwsSignatureThreshold() throws Exception {
    f.init();
    ObjectNode signed = Metadata.parse("1.root.json", root1()).signed();
    signed.put("version", 2);
    Files.write(f.repoDir.resolve("2.root.json"), Metadata.sign(signed, List.of(f.root3)));
    var e = assertThrows(SignatureThresholdException.class, () -> TufRepository.open(f.repoDir).verify(root1(), NOW));
    assertEquals("root", e.role());
    assertEquals("2.root.json", e.file());
    assertEquals(2, e.required());
    assertEquals(1, e.verified());
  }

  @Test
  void verify_afterTimestampExpiry_throwsExpiredAndRefreshFixesIt() throws Exception {
    TufRepository repo = f.init();
    Instant later = NOW.plus(Duration.ofDays(8));
    var e = assertThrows(ExpiredException.class, () -> repo.verify(root1(), later));
    assertEquals("timestamp", e.role());
    assertEquals(NOW.plus(Duration.ofDays(7)), e.expires());
    repo.refresh(f.signers(), Expiries.DEFAULT, later);
    assertEquals(2, repo.verify(root1(), later).timestamp().version());
  }

  @Test
  void verify_servedTimestampOlderThanTrusted_throwsRollback() throws Exception {
    TufRepository repo = f.init();
    byte[] v1 = Files.readAllBytes(f.repoDir.resolve("timestamp.json"));
    repo.refreshTimestamp(f.signers(), Expiries.DEFAULT, NOW);
    byte[] v2 = Files.readAllBytes(f.repoDir.resolve("timestamp.json"));
    Files.write(f.repoDir.resolve("timestamp.json"), v1);
    var client = TufClient.builder(root1(), RepositorySource.directory(f.repoDir)).time(NOW).trustedTimestamp(v2).build();
    var e = assertThrows(RollbackException.class, client::refresh);
    assertEquals("timestamp", e.role());
    assertEquals(2, e.current());
    assertEquals(1, e.found());
  }

  @Test
  void verify_tamperedTargetFile_throwsHashOrLengthMismatch() throws Exception {
    TufRepository repo = f.init();
    String sha = repo.current().get("targets").targets().get("rekor.pub").hashes().get("sha256");
    Path file = f.repoDir.resolve("targets/" + sha + ".rekor.pub");
    byte[] good = Files.readAllBytes(file);
    byte[] same = good.clone();
    same[40] ^= 1;
    Files.write(file, same);
    var h = assertThrows(HashMismatchException.class, () -> repo.verify(root1(), NOW));
    assertEquals("targets/" + sha + ".rekor.pub", h.file());
    assertEquals("sha256", h.algorithm());
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    Files.write(file, longer);
    var l = assertThrows(LengthMismatchException.class, () -> repo.verify(root1(), NOW));
    assertEquals(good.length, l.expected());
  }

  @Test
  void open_afterOperations_readsTheTimestampChain() throws Exception {
    f.init().refresh(f.signers(), Expiries.DEFAULT, NOW);
    TufRepository reopened = TufRepository.open(f.repoDir);
    assertEquals(2, reopened.current().get("snapshot").version());
    assertEquals(1, reopened.current().get("targets").version());
    assertArrayEquals(root1(), reopened.rootBytes(1));
  }

  @Test
  void ensure_restartWithSameAndChangedStack_resignsOnlyWhenNeeded() throws Exception {
    var targets = StackTargets.of(StackFile.read(f.files.stackFile()), NOW);
    var repo = TufRepository.ensure(f.repoDir, f.roles(), targets, f.signers(), Expiries.DEFAULT, Duration.ofDays(2), NOW);
    assertEquals(1, repo.current().get("timestamp").version());
    repo = TufRepository.ensure(f.repoDir, f.roles(), targets, f.signers(), Expiries.DEFAULT, Duration.ofDays(2), NOW);
    assertEquals(1, repo.current().get("timestamp").version(), "nothing changed, nothing expiring");
    repo = TufRepository.ensure(f.repoDir, f.roles(), targets, f.signers(), Expiries.DEFAULT, Duration.ofDays(2),
        NOW.plus(Duration.ofDays(6)));
    assertEquals(2, repo.current().get("timestamp").version(), "timestamp within two days of expiry");
    assertEquals(1, repo.current().get("targets").version());
    var changed = new java.util.LinkedHashMap<>(targets);
    changed.put("rekor.pub", new Target("rotated".getBytes(StandardCharsets.UTF_8), null));
    changed.remove("ctfe.pub");
    repo = TufRepository.ensure(f.repoDir, f.roles(), changed, f.signers(), Expiries.DEFAULT, Duration.ofDays(2), NOW);
    assertEquals(2, repo.current().get("targets").version());
    assertEquals(changed.keySet(), repo.current().get("targets").targets().keySet());
    var otherRoles = f.roles();
    otherRoles.put("snapshot", new RoleSpec(List.of(f.ed25519.key()), 1));
    var e = assertThrows(IllegalArgumentException.class, () -> TufRepository.ensure(f.repoDir, otherRoles, targets,
        f.signers(), Expiries.DEFAULT, Duration.ofDays(2), NOW));
    assertEquals("the repository's snapshot keys differ from the ones given; rotate the root explicitly", e.getMessage());
  }
}
