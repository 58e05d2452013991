package dev.sigstack.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static TufSigner ecSigner() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    var kp = g.generateKeyPair();
    return TufSigner.of(kp.getPrivate(), kp.getPublic(), null);
  }

  private static ObjectNode timestampSigned() throws Exception {
    return (ObjectNode) JSON.readTree("{\"_type\":\"timestamp\",\"spec_version\":\"1.0.31\",\"version\":1,"
        + "\"expires\":\"2030-01-01T00:00:00Z\",\"meta\":{\"snapshot.json\":{\"version\":1}}}");
  }

  private static Metadata.RootInfo rootWith(List<TufSigner> keys, int threshold) {
    var ids = keys.stream().map(k -> k.key().keyId()).toList();
    Map<String, TufKey> map = new java.util.HashMap<>();
    keys.forEach(k -> map.put(k.key().keyId(), k.key()));
    var role = new Metadata.RoleKeys(ids, threshold);
    return new Metadata.RootInfo(map, Map.of("root", role, "targets", role, "snapshot", role, "timestamp", role), true);
  }

  @Test
  void parse_duplicateJsonKey_refused() {
    String doc = "{\"signed\":{\"_type\":\"timestamp\",\"_type\":\"root\"},\"signatures\":[]}";
    var e = assertThrows(MalformedMetadataException.class,
        () -> Metadata.parse("timestamp.json", doc.getBytes(StandardCharsets.UTF_8)));
    assertEquals("timestamp.json", e.file());
  }

  @Test
  void parse_floatVersion_refused() {
    String doc = "{\"signed\":{\"_type\":\"timestamp\",\"spec_version\":\"1.0\",\"version\":1.5,"
        + "\"expires\":\"2030-01-01T00:00:00Z\"},\"signatures\":[]}";
    var e = assertThrows(MalformedMetadataException.class,
        () -> Metadata.parse("timestamp.json", doc.getBytes(StandardCharsets.UTF_8)));
    assertEquals("signed.version must be a positive integer", e.reason());
  }

  @Test
  void parse_wrongType_throwsWrongRole() throws Exception {
    byte[] bytes = Metadata.sign(timestampSigned(), List.of(ecSigner()));
    var e = assertThrows(WrongRoleException.class, () -> Metadata.parse("1.snapshot.json", bytes, "snapshot"));
    assertEquals("timestamp", e.found());
    assertEquals("snapshot", e.expected());
  }

  @Test
  void verifySignatures_sameKeyTwice_countsOnce() throws Exception {
    TufSigner k = ecSigner();
    byte[] signedOnce = Metadata.sign(timestampSigned(), List.of(k));
    // duplicate the signature entry by hand
    ObjectNode doc = (ObjectNode) JSON.readTree(signedOnce);
    doc.withArray("signatures").add(doc.withArray("signatures").get(0).deepCopy());
    Metadata m = Metadata.parse("timestamp.json", JSON.writeValueAsBytes(doc));
    assertEquals(2, m.signatures().size());
    var e = assertThrows(SignatureThresholdException.class, () -> m.verifySignatures(rootWith(List.of(k, ecSigner()), 2), "timestamp"));
    assertEquals(1, e.verified());
  }

  @Test
  void verifySignatures_signatureByKeyOutsideRole_notCounted() throws Exception {
    TufSigner inRole = ecSigner();
    TufSigner outsider = ecSigner();
    Metadata m = Metadata.parse("timestamp.json", Metadata.sign(timestampSigned(), List.of(outsider)));
    var e = assertThrows(SignatureThresholdException.class, () -> m.verifySignatures(rootWith(List.of(inRole), 1), "timestamp"));
    assertEquals(0, e.verified());
    Metadata ok = Metadata.parse("timestamp.json", Metadata.sign(timestampSigned(), List.of(inRole, outsider)));
    ok.verifySignatures(rootWith(List.of(inRole), 1), "timestamp");
  }

  @Test
  void verifySignatures_signedFieldChangedAfterSigning_notCounted() throws Exception {
    TufSigner k = ecSigner();
    ObjectNode doc = (ObjectNode) JSON.readTree(Metadata.sign(timestampSigned(), List.of(k)));
    ((ObjectNode) doc.get("signed")).put("version", 2);
    Metadata m = Metadata.parse("timestamp.json", JSON.writeValueAsBytes(doc));
    assertThrows(SignatureThresholdException.class, () -> m.verifySignatures(rootWith(List.of(k), 1), "timestamp"));
  }
}
