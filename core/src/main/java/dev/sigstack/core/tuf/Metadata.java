package dev.sigstack.core.tuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One signed TUF metadata file (spec 4.2): the raw bytes as read, the {@code signed} object and
 * its signatures. The canonical bytes that signatures cover are computed from the parsed
 * {@code signed} object, so fields this class does not know are kept and covered.
 */
public final class Metadata {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One entry of {@code signatures}. */
  public record Signature(String keyId, String sig) {}

  /** A role's key IDs and threshold in root metadata. */
  public record RoleKeys(List<String> keyIds, int threshold) {
    public RoleKeys {
      keyIds = List.copyOf(keyIds);
      if (threshold < 1) {
        throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
      }
    }
  }

  /** The parts of root metadata the workflow uses. */
  public record RootInfo(Map<String, TufKey> keys, Map<String, RoleKeys> roles, boolean consistentSnapshot) {
    public RootInfo {
      keys = Map.copyOf(keys);
      roles = Map.copyOf(roles);
    }
  }

  /** An entry of {@code meta} in timestamp or snapshot metadata (spec 4.4, 4.5). */
  public record MetaFile(long version, Long length, Map<String, String> hashes) {
    public MetaFile {
      hashes = Map.copyOf(hashes);
    }
  }

  /** An entry of {@code targets} in targets metadata (spec 4.5). */
  public record TargetFile(long length, Map<String, String> hashes, JsonNode custom) {
    public TargetFile {
      hashes = Map.copyOf(hashes);
      if (hashes.isEmpty()) {
        throw new IllegalArgumentException("a target needs at least one hash");
      }
    }
  }

  private final String file;
  private final byte[] raw;
  private final ObjectNode signed;
  private final List<Signature> signatures;
  private final String type;
  private final long version;
  private final Instant expires;

  private Metadata(String file, byte[] raw, ObjectNode signed, List<Signature> signatures)
      throws MalformedMetadataException {
    this.file = file;
    this.raw = raw.clone();
    this.signed = signed;
    this.signatures = List.copyOf(signatures);
    this.type = requiredText(signed, "_type");
    requiredText(signed, "spec_version");
    JsonNode v = signed.get("version");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1) {
      throw new MalformedMetadataException(file, "signed.version must be a positive integer");
    }
    this.version = v.longValue();
    try {
      this.expires = Instant.parse(requiredText(signed, "expires"));
    } catch (DateTimeParseException e) {
      throw new MalformedMetadataException(file, "signed.expires is not an ISO 8601 UTC time", e);
    }
  }

  /** Parses a metadata file. {@code file} names it in errors. */
  public static Metadata parse(String file, byte[] raw) throws MalformedMetadataException {
    JsonNode doc;
    try {
      doc = JSON.readTree(raw);
    } catch (IOException e) {
      throw new MalformedMetadataException(file, "not JSON: " + e.getMessage(), e);
    }
    if (doc == null || !doc.isObject()) {
      throw new MalformedMetadataException(file, "not a JSON object");
    }
    JsonNode signed = doc.get("signed");
    JsonNode sigs = doc.get("signatures");
    if (signed == null || !signed.isObject()) {
      throw new MalformedMetadataException(file, "no signed object");
    }
    if (sigs == null || !sigs.isArray()) {
      throw new MalformedMetadataException(file, "no signatures array");
    }
    List<Signature> list = new ArrayList<>();
    for (JsonNode s : sigs) {
      if (!s.isObject() || s.get("keyid") == null || !s.get("keyid").isTextual()
          || s.get("sig") == null || !s.get("sig").isTextual()) {
        throw new MalformedMetadataException(file, "a signature needs string keyid and sig");
      }
      list.add(new Signature(s.get("keyid").textValue(), s.get("sig").textValue()));
    }
    return new Metadata(file, raw, (ObjectNode) signed, list);
  }

  /** Parses and checks {@code _type}. */
  public static Metadata parse(String file, byte[] raw, String expectedType) throws TufException {
    Metadata m = parse(file, raw);
    if (!m.type.equals(expectedType)) {
      throw new WrongRoleException(file, expectedType, m.type);
    }
    return m;
  }

  /**
   * Signs a {@code signed} object with each signer and returns the file bytes (pretty JSON).
   */
  public static byte[] sign(ObjectNode signed, List<TufSigner> signers) throws GeneralSecurityException {
    byte[] canonical = CanonicalJson.encode(signed);
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode sigs = doc.putArray("signatures");
    Set<String> seen = new HashSet<>();
    for (TufSigner signer : signers) {
      String keyId = signer.key().keyId();
      if (!seen.add(keyId)) {
        continue;
      }
      sigs.addObject().put("keyid", keyId).put("sig", HexFormat.of().formatHex(signer.sign(canonical)));
    }
    doc.set("signed", signed);
    try {
      return PRETTY.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String file() {
    return file;
  }

  /** The bytes as read. */
  public byte[] raw() {
    return raw.clone();
  }

  public int length() {
    return raw.length;
  }

  /** A copy of the {@code signed} object. */
  public ObjectNode signed() {
    return signed.deepCopy();
  }

  public List<Signature> signatures() {
    return signatures;
  }

  public String type() {
    return type;
  }

  public long version() {
    return version;
  }

  public Instant expires() {
    return expires;
  }

  /** The canonical JSON bytes of {@code signed}, which the signatures cover. */
  public byte[] canonicalSigned() throws MalformedMetadataException {
    try {
      return CanonicalJson.encode(signed);
    } catch (IllegalArgumentException e) {
      throw new MalformedMetadataException(file, e.getMessage(), e);
    }
  }

  /**
   * Checks that at least {@code role}'s threshold of its keys in {@code root} signed this file.
   * The threshold counts distinct keys by key material ({@link TufKey#material()}), not key IDs:
   * one key listed under two IDs, or twice under one, counts once. Signatures by unknown keys and
   * undecodable signatures count for nothing.
   */
  public void verifySignatures(RootInfo root, String role) throws TufException {
    RoleKeys keys = root.roles().get(role);
    if (keys == null) {
      throw new MalformedMetadataException(file, "trusted root has no role " + role);
    }
    byte[] canonical = canonicalSigned();
    Set<String> goodIds = new HashSet<>();
    Set<String> goodKeys = new HashSet<>();
    for (Signature s : signatures) {
      if (!keys.keyIds().contains(s.keyId()) || goodIds.contains(s.keyId())) {
        continue;
      }
      TufKey key = root.keys().get(s.keyId());
      if (key == null) {
        continue;
      }
      try {
        String material = key.material();
        if (goodKeys.contains(material)) {
          continue; // the same key under another ID: it has counted already.
        }
        key.verify(canonical, HexFormat.of().parseHex(s.sig()));
        goodIds.add(s.keyId());
        goodKeys.add(material);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // An invalid signature does not count toward the threshold (spec 5.3.4).
      }
    }
    if (goodKeys.size() < keys.threshold()) {
      throw new SignatureThresholdException(role, file, keys.threshold(), goodKeys.size());
    }
  }

  /**
   * The distinct keys (by {@link TufKey#material()}) that {@code root} gives {@code role}; a key
   * that does not decode is named by its key ID.
   */
  public static Set<String> roleKeyMaterial(RootInfo root, String role) {
    RoleKeys keys = root.roles().get(role);
    Set<String> out = new HashSet<>();
    if (keys == null) {
      return out;
    }
    for (String id : keys.keyIds()) {
      TufKey key = root.keys().get(id);
      if (key == null) {
        out.add("unknown key id " + id);
        continue;
      }
      try {
        out.add(key.material());
      } catch (GeneralSecurityException e) {
        out.add("undecodable key id " + id);
      }
    }
    return out;
  }

  /** The keys and roles of root metadata. */
  public RootInfo rootInfo() throws MalformedMetadataException {
    JsonNode keysNode = signed.get("keys");
    JsonNode rolesNode = signed.get("roles");
    if (keysNode == null || !keysNode.isObject() || rolesNode == null || !rolesNode.isObject()) {
      throw new MalformedMetadataException(file, "root needs keys and roles objects");
    }
    Map<String, TufKey> keys = new LinkedHashMap<>();
    for (var it = keysNode.fields(); it.hasNext(); ) {
      var e = it.next();
      keys.put(e.getKey(), TufKey.fromJson(e.getValue(), file, "key " + e.getKey()));
    }
    Map<String, RoleKeys> roles = new LinkedHashMap<>();
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      JsonNode r = rolesNode.get(role);
      if (r == null || !r.isObject() || r.get("keyids") == null || !r.get("keyids").isArray()
          || r.get("threshold") == null || !r.get("threshold").isIntegralNumber()
          || r.get("threshold").asLong() < 1 || r.get("threshold").asLong() > Integer.MAX_VALUE) {
        throw new MalformedMetadataException(
            file, "role " + role + " needs keyids and a positive integer threshold");
      }
      List<String> ids = new ArrayList<>();
      for (JsonNode id : r.get("keyids")) {
        if (!id.isTextual()) {
          throw new MalformedMetadataException(file, "role " + role + " has a non-string key ID");
        }
        ids.add(id.textValue());
      }
      roles.put(role, new RoleKeys(ids, r.get("threshold").intValue()));
    }
    JsonNode cs = signed.get("consistent_snapshot");
    return new RootInfo(keys, roles, cs != null && cs.asBoolean(false));
  }

  /** The {@code meta} map of timestamp or snapshot metadata. */
  public Map<String, MetaFile> meta() throws MalformedMetadataException {
    JsonNode metaNode = signed.get("meta");
    if (metaNode == null || !metaNode.isObject()) {
      throw new MalformedMetadataException(file, "no meta object");
    }
    Map<String, MetaFile> out = new LinkedHashMap<>();
    for (var it = metaNode.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode m = e.getValue();
      JsonNode v = m.get("version");
      if (v == null || !v.isIntegralNumber() || v.asLong() < 1) {
        throw new MalformedMetadataException(file, "meta " + e.getKey() + " needs a positive version");
      }
      Long length = null;
      if (m.has("length")) {
        if (!m.get("length").isIntegralNumber() || m.get("length").asLong() < 0) {
          throw new MalformedMetadataException(file, "meta " + e.getKey() + " has a bad length");
        }
        length = m.get("length").asLong();
      }
      out.put(e.getKey(), new MetaFile(v.asLong(), length, hashes(m.get("hashes"), e.getKey(), false)));
    }
    return out;
  }

  /** The {@code targets} map of targets metadata. */
  public Map<String, TargetFile> targets() throws MalformedMetadataException {
    JsonNode t = signed.get("targets");
    if (t == null || !t.isObject()) {
      throw new MalformedMetadataException(file, "no targets object");
    }
    Map<String, TargetFile> out = new LinkedHashMap<>();
    for (var it = t.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode v = e.getValue();
      if (v == null || !v.isObject() || v.get("length") == null || !v.get("length").isIntegralNumber()
          || v.get("length").asLong() < 0) {
        throw new MalformedMetadataException(file, "target " + e.getKey() + " needs length and hashes");
      }
      out.put(
          e.getKey(),
          new TargetFile(v.get("length").asLong(), hashes(v.get("hashes"), e.getKey(), true), v.get("custom")));
    }
    return out;
  }

  private Map<String, String> hashes(JsonNode h, String name, boolean required)
      throws MalformedMetadataException {
    if (h == null) {
      if (required) {
        throw new MalformedMetadataException(file, "target " + name + " needs length and hashes");
      }
      return Map.of();
    }
    if (!h.isObject() || (required && h.isEmpty())) {
      throw new MalformedMetadataException(file, name + " has a bad hashes object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (var it = h.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().isTextual()) {
        throw new MalformedMetadataException(file, name + " has a non-string hash");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  private String requiredText(JsonNode node, String field) throws MalformedMetadataException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new MalformedMetadataException(file, "signed." + field + " must be a string");
    }
    return v.textValue();
  }

  @Override
  public String toString() {
    return "Metadata[" + file + ", " + type + " v" + version + "]";
  }
}
