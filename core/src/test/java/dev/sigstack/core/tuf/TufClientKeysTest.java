package dev.sigstack.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Thresholds count keys, not key IDs; rotating timestamp or snapshot keys voids the trusted
 * timestamp and snapshot (TUF spec 5.3.11). Each repository is built here, signed with fresh keys.
 */
class TufClientKeysTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final String EXPIRES = "2030-01-01T00:00:00Z";

  private static TufSigner signer() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    var kp = g.generateKeyPair();
    return TufSigner.of(kp.getPrivate(), kp.getPublic(), null);
  }

  /** Role name to its signers; the root lists each signer under its key ID. */
  private static ObjectNode root(int version, Map<String, List<TufSigner>> roles, int threshold) {
    ObjectNode signed = JSON.createObjectNode();
    signed.put("_type", "root").put("spec_version", "1.0.31").put("version", version)
        .put("expires", EXPIRES).put("consistent_snapshot", false);
    ObjectNode keys = signed.putObject("keys");
    ObjectNode rolesNode = signed.putObject("roles");
    for (var e : roles.entrySet()) {
      ArrayNode ids = rolesNode.putObject(e.getKey()).put("threshold", threshold).putArray("keyids");
      for (TufSigner s : e.getValue()) {
        keys.set(s.key().keyId(), s.key().toJson());
        ids.add(s.key().keyId());
      }
    }
    return signed;
  }

  private static ObjectNode timestamp(int version, int snapshotVersion) {
    ObjectNode signed = JSON.createObjectNode();
    signed.put("_type", "timestamp").put("spec_version", "1.0.31").put("version", version)
        .put("expires", EXPIRES);
    signed.putObject("meta").putObject("snapshot.json").put("version", snapshotVersion);
    return signed;
  }

  private static ObjectNode snapshot(int version, int targetsVersion) {
    ObjectNode signed = JSON.createObjectNode();
    signed.put("_type", "snapshot").put("spec_version", "1.0.31").put("version", version)
        .put("expires", EXPIRES);
    signed.putObject("meta").putObject("targets.json").put("version", targetsVersion);
    return signed;
  }

  private static ObjectNode targets(int version) {
    ObjectNode signed = JSON.createObjectNode();
    signed.put("_type", "targets").put("spec_version", "1.0.31").put("version", version)
        .put("expires", EXPIRES);
    signed.putObject("targets");
    return signed;
  }

  private static byte[] sign(ObjectNode signed, TufSigner... signers) throws Exception {
    return Metadata.sign(signed, List.of(signers));
  }

  /** A repository whose four roles have one key each (threshold 1), and the files it serves. */
  private static final class Repo {
    final TufSigner rootKey = signer();
    final TufSigner targetsKey = signer();
    TufSigner snapshotKey = signer();
    TufSigner timestampKey = signer();
    final Map<String, byte[]> files = new HashMap<>();
    byte[] root1;

    Repo() throws Exception {
      root1 = sign(root(1, roles(), 1), rootKey);
      files.put("targets.json", sign(targets(1), targetsKey));
    }

    Map<String, List<TufSigner>> roles() {
      Map<String, List<TufSigner>> r = new LinkedHashMap<>();
      r.put("root", List.of(rootKey));
      r.put("targets", List.of(targetsKey));
      r.put("snapshot", List.of(snapshotKey));
      r.put("timestamp", List.of(timestampKey));
      return r;
    }

    /** Publishes timestamp and snapshot versions signed by the current keys. */
    void publish(int timestampVersion, int snapshotVersion) throws Exception {
      files.put("timestamp.json", sign(timestamp(timestampVersion, snapshotVersion), timestampKey));
      files.put("snapshot.json", sign(snapshot(snapshotVersion, 1), snapshotKey));
    }

    TufClient client(byte[] trustedTimestamp, byte[] trustedSnapshot) throws Exception {
      return TufClient.builder(root1, RepositorySource.of(files)).time(NOW)
          .trustedTimestamp(trustedTimestamp).trustedSnapshot(trustedSnapshot).build();
    }
  }

  // --- Thresholds count keys ---

  /** One key listed under two key IDs, threshold 2: a single signature (even repeated under both IDs) is refused. */
  @Test
  void trustedRoot_oneKeyUnderTwoIds_thresholdTwo_refused() throws Exception {
    TufSigner k = signer();
    String alias = "ab".repeat(32);
    ObjectNode signed = root(1, Map.of("targets", List.of(k), "snapshot", List.of(k), "timestamp", List.of(k)), 1);
    ((ObjectNode) signed.get("keys")).set(alias, k.key().toJson());
    ((ObjectNode) signed.get("roles")).putObject("root").put("threshold", 2).putArray("keyids").add(k.key().keyId()).add(alias);
    ((ObjectNode) signed.get("keys")).set(k.key().keyId(), k.key().toJson());
    ObjectNode doc = (ObjectNode) JSON.readTree(sign(signed, k));
    ArrayNode sigs = doc.withArray("signatures");
    String sig = sigs.get(0).get("sig").asText();
    sigs.addObject().put("keyid", alias).put("sig", sig);
    byte[] rootBytes = JSON.writeValueAsBytes(doc);

    var e = assertThrows(SignatureThresholdException.class,
        () -> TufClient.builder(rootBytes, RepositorySource.of(Map.of())).time(NOW).build());
    assertEquals(2, e.required());
    assertEquals(1, e.verified());
  }

  /** The same key spelled twice (PEM public value and hex point), under two IDs, still counts once. */
  @Test
  void verifySignatures_sameKeyTwoSpellings_countsOnce() throws Exception {
    TufSigner k = signer();
    TufKey pem = k.key();
    byte[] spki = pem.publicKey().getEncoded();
    String rawPoint = HexFormat.of().formatHex(java.util.Arrays.copyOfRange(spki, spki.length - 65, spki.length));
    TufKey hex = new TufKey("ecdsa-sha2-nistp256", TufKey.SCHEME_ECDSA_P256, rawPoint);
    assertEquals(pem.material(), hex.material());
    var role = new Metadata.RoleKeys(List.of(pem.keyId(), hex.keyId()), 2);
    var info = new Metadata.RootInfo(Map.of(pem.keyId(), pem, hex.keyId(), hex),
        Map.of("root", role, "targets", role, "snapshot", role, "timestamp", role), false);
    ObjectNode doc = (ObjectNode) JSON.readTree(sign(timestamp(1, 1), k));
    doc.withArray("signatures").addObject().put("keyid", hex.keyId())
        .put("sig", doc.withArray("signatures").get(0).get("sig").asText());
    Metadata m = Metadata.parse("timestamp.json", JSON.writeValueAsBytes(doc));

    var e = assertThrows(SignatureThresholdException.class, () -> m.verifySignatures(info, "timestamp"));
    assertEquals(1, e.verified());
  }

  /** Two distinct keys under two IDs, threshold 2, both signing: accepted (the count is not too strict). */
  @Test
  void trustedRoot_twoKeysThresholdTwo_bothSign_accepted() throws Exception {
    TufSigner a = signer();
    TufSigner b = signer();
    byte[] rootBytes = sign(root(1, Map.of("root", List.of(a, b), "targets", List.of(a), "snapshot", List.of(a),
        "timestamp", List.of(a)), 2), a, b);
    assertNotNull(TufClient.builder(rootBytes, RepositorySource.of(Map.of())).time(NOW).build());
  }

  // --- 5.3.11: rotated timestamp/snapshot keys void the trusted timestamp and snapshot ---

  /**
   * A compromised timestamp key fast-forwarded the client to timestamp v1000; the repository rotates that key
   * out in root v2 and publishes timestamp v2. The client must drop v1000 and accept v2.
   */
  @Test
  void refresh_timestampKeyRotatedOut_fastForwardedTimestampDropped() throws Exception {
    Repo repo = new Repo();
    byte[] forged = sign(timestamp(1000, 1), repo.timestampKey);
    repo.timestampKey = signer();
    repo.files.put("2.root.json", sign(root(2, repo.roles(), 1), repo.rootKey));
    repo.publish(2, 1);

    TufClient.Trusted t = repo.client(forged, null).refresh();
    assertEquals(2, t.root().version());
    assertEquals(2, t.timestamp().version());
  }

  /**
   * The timestamp role had two keys (threshold 1); one was compromised and fast-forwarded the client to v1000.
   * Root v2 only removes it (the other key stays): that is a rotation too, and v1000 must be dropped.
   */
  @Test
  void refresh_oneOfTwoTimestampKeysRemoved_fastForwardedTimestampDropped() throws Exception {
    Repo repo = new Repo();
    TufSigner compromised = signer();
    Map<String, List<TufSigner>> roles = repo.roles();
    roles.put("timestamp", List.of(compromised, repo.timestampKey));
    repo.root1 = sign(root(1, roles, 1), repo.rootKey);
    byte[] forged = sign(timestamp(1000, 1), compromised);
    repo.files.put("2.root.json", sign(root(2, repo.roles(), 1), repo.rootKey));
    repo.publish(2, 1);

    TufClient.Trusted t = repo.client(forged, null).refresh();
    assertEquals(2, t.timestamp().version());
  }

  /** Without a rotation, the same fast-forwarded timestamp is still trusted: the rollback check stands. */
  @Test
  void refresh_noRotation_fastForwardedTimestampStillPinsVersion() throws Exception {
    Repo repo = new Repo();
    byte[] forged = sign(timestamp(1000, 1), repo.timestampKey);
    repo.files.put("2.root.json", sign(root(2, repo.roles(), 1), repo.rootKey));
    repo.publish(2, 1);

    var e = assertThrows(RollbackException.class, () -> repo.client(forged, null).refresh());
    assertEquals("timestamp", e.role());
  }

  /**
   * A compromised snapshot key fast-forwarded the snapshot (trusted timestamp names snapshot v1000, trusted
   * snapshot v1000 names targets v1000). Root v2 rotates the snapshot key: both are dropped and the real
   * snapshot v2 (targets v1) is accepted.
   */
  @Test
  void refresh_snapshotKeyRotatedOut_fastForwardedSnapshotDropped() throws Exception {
    Repo repo = new Repo();
    byte[] trustedTs = sign(timestamp(1, 1000), repo.timestampKey);
    byte[] forgedSnap = sign(snapshot(1000, 1000), repo.snapshotKey);
    repo.snapshotKey = signer();
    repo.files.put("2.root.json", sign(root(2, repo.roles(), 1), repo.rootKey));
    repo.publish(2, 2);

    TufClient.Trusted t = repo.client(trustedTs, forgedSnap).refresh();
    assertEquals(2, t.snapshot().version());
    assertEquals(1, t.targets().version());
  }

  /**
   * Spec 5.3.11 speaks of rotated keys, not only of removed ones: a key added to the timestamp role also voids
   * the trusted timestamp and snapshot, even though the old timestamp still verifies under the new root.
   */
  @Test
  void updateRoot_timestampKeyAdded_trustedTimestampAndSnapshotDeleted() throws Exception {
    Repo repo = new Repo();
    byte[] trustedTs = sign(timestamp(5, 5), repo.timestampKey);
    byte[] trustedSnap = sign(snapshot(5, 1), repo.snapshotKey);
    TufSigner added = signer();
    Map<String, List<TufSigner>> roles = repo.roles();
    roles.put("timestamp", List.of(repo.timestampKey, added));
    repo.files.put("2.root.json", sign(root(2, roles, 1), repo.rootKey));

    TufClient c = repo.client(trustedTs, trustedSnap);
    assertNotNull(c.trusted().timestamp());
    c.updateRoot();
    assertEquals(2, c.trusted().root().version());
    assertNull(c.trusted().timestamp());
    assertNull(c.trusted().snapshot());
  }

  /** A new root with the same timestamp and snapshot keys keeps the trusted timestamp and snapshot. */
  @Test
  void updateRoot_sameKeysReordered_trustedMetadataKept() throws Exception {
    Repo repo = new Repo();
    byte[] trustedTs = sign(timestamp(5, 5), repo.timestampKey);
    byte[] trustedSnap = sign(snapshot(5, 1), repo.snapshotKey);
    repo.files.put("2.root.json", sign(root(2, repo.roles(), 1), repo.rootKey));

    TufClient c = repo.client(trustedTs, trustedSnap);
    c.updateRoot();
    assertEquals(2, c.trusted().root().version());
    assertEquals(5, c.trusted().timestamp().version());
    assertEquals(5, c.trusted().snapshot().version());
  }
}
