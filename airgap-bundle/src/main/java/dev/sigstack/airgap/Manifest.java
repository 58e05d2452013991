package dev.sigstack.airgap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.airgap.BundleRefusedException.Reason;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code MANIFEST.json}: every file of the bundle with its size and SHA-256, the site, the time of
 * export and the SHA-256 of the signing key's SubjectPublicKeyInfo (to name the key in errors).
 *
 * <pre>
 * {"mediaType": "application/vnd.sigstack.airgap-bundle.manifest+json;version=1",
 *  "site": "acme", "created": "2026-11-27T02:00:00Z", "signingKeySha256": "ab12...",
 *  "files": [{"path": "clients/trusted_root.json", "size": 1234, "sha256": "..."}, ...]}
 * </pre>
 */
public record Manifest(String site, Instant created, String signingKeySha256, List<Entry> files) {

  public static final String MEDIA_TYPE = "application/vnd.sigstack.airgap-bundle.manifest+json;version=1";
  public static final String FILE = "MANIFEST.json";
  public static final String SIGNATURE_FILE = "MANIFEST.json.sig";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** One file: a safe relative path, its size and lower-case hex SHA-256. */
  public record Entry(String path, long size, String sha256) {
    public Entry {
      checkPath(path);
      if (size < 0) {
        throw new IllegalArgumentException("negative size for " + path);
      }
      if (sha256 == null || !HEX64.matcher(sha256).matches()) {
        throw new IllegalArgumentException("sha256 of " + path + " is not 64 lower-case hex digits");
      }
    }

    static Entry of(String path, byte[] content) {
      return new Entry(path, content.length, Manifest.sha256(content));
    }
  }

  public Manifest {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(created, "created");
    if (signingKeySha256 == null || !HEX64.matcher(signingKeySha256).matches()) {
      throw new IllegalArgumentException("signingKeySha256 is not 64 lower-case hex digits");
    }
    files = List.copyOf(files);
    Set<String> seen = new HashSet<>();
    for (Entry e : files) {
      if (!seen.add(e.path())) {
        throw new IllegalArgumentException("the manifest lists " + e.path() + " twice");
      }
      if (e.path().equals(FILE) || e.path().equals(SIGNATURE_FILE)) {
        throw new IllegalArgumentException("the manifest must not list itself or its signature");
      }
    }
  }

  /** A manifest of {@code files} (path to content). */
  public static Manifest of(String site, Instant created, String signingKeySha256, Map<String, byte[]> files) {
    List<Entry> entries = new ArrayList<>();
    files.forEach((p, c) -> entries.add(Entry.of(p, c)));
    return new Manifest(site, created, signingKeySha256, entries);
  }

  /**
   * A path the bundle may hold: relative, {@code /}-separated, no empty, {@code .} or {@code ..}
   * segment, no backslash, NUL, control character or drive letter.
   */
  static void checkPath(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.contains("\\")
        || path.matches("^[A-Za-z]:.*") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("unsafe path " + quote(path));
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("unsafe path " + quote(path));
      }
    }
  }

  static String quote(String s) {
    return s == null ? "(null)" : "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  /** The JSON bytes that are signed. */
  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("mediaType", MEDIA_TYPE);
    root.put("site", site);
    root.put("created", created.toString());
    root.put("signingKeySha256", signingKeySha256);
    ArrayNode arr = root.putArray("files");
    for (Entry e : files) {
      arr.addObject().put("path", e.path()).put("size", e.size()).put("sha256", e.sha256());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses manifest bytes; anything malformed is a {@link Reason#MALFORMED_MANIFEST} refusal. */
  public static Manifest parse(byte[] bytes) throws BundleRefusedException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new BundleRefusedException(Reason.MALFORMED_MANIFEST, FILE + " is not JSON: " + e.getMessage(), e);
    }
    try {
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      if (!MEDIA_TYPE.equals(root.path("mediaType").asText(null))) {
        throw new IllegalArgumentException("mediaType is not " + MEDIA_TYPE);
      }
      JsonNode files = root.get("files");
      if (files == null || !files.isArray()) {
        throw new IllegalArgumentException("no files array");
      }
      List<Entry> entries = new ArrayList<>();
      for (JsonNode f : files) {
        if (!f.path("path").isTextual() || !f.path("size").canConvertToLong() || !f.path("sha256").isTextual()) {
          throw new IllegalArgumentException("a file entry needs string path, integer size and string sha256");
        }
        entries.add(new Entry(f.get("path").asText(), f.get("size").asLong(), f.get("sha256").asText()));
      }
      return new Manifest(text(root, "site"), Instant.parse(text(root, "created")), text(root, "signingKeySha256"),
          entries);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new BundleRefusedException(Reason.MALFORMED_MANIFEST, FILE + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("no string field " + field);
    }
    return n.asText();
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
