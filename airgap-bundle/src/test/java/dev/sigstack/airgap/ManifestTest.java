package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.airgap.BundleRefusedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {

  static final String KEY = "ab".repeat(32);

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/./b", "a/", "C:/x", "a\\b", "a\u0000b",
      "a\nb", "", ".."})
  void checkPath_unsafe_refused(String path) {
    assertThrows(IllegalArgumentException.class, () -> Manifest.checkPath(path));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "tuf/repository/1.root.json", "kubernetes/stage1-warn/acme-keyless-ci.yaml", "a..b/c"})
  void checkPath_safe_accepted(String path) {
    Manifest.checkPath(path);
  }

  @Test
  void toJsonParse_roundTrip_equal() throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("a/b.txt", "hello".getBytes(StandardCharsets.UTF_8));
    files.put("c", new byte[0]);
    Manifest m = Manifest.of("acme", Instant.parse("2026-11-27T00:00:00Z"), KEY, files);
    assertEquals(m, Manifest.parse(m.toJson()));
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", m.files().get(0).sha256());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "[]",
      "{\"mediaType\":\"application/json\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"signingKeySha256\":\"%s\",\"files\":[]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"yesterday\",\"signingKeySha256\":\"%s\",\"files\":[]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"signingKeySha256\":\"%s\",\"files\":[{\"path\":\"../x\",\"size\":1,\"sha256\":\"%s\"}]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"signingKeySha256\":\"%s\",\"files\":[{\"path\":\"x\",\"size\":1,\"sha256\":\"%s\"},{\"path\":\"x\",\"size\":1,\"sha256\":\"%s\"}]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"signingKeySha256\":\"%s\",\"files\":[{\"path\":\"x\",\"size\":-1,\"sha256\":\"%s\"}]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"signingKeySha256\":\"%s\",\"files\":[{\"path\":\"x\",\"size\":1,\"sha256\":\"XYZ\"}]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"signingKeySha256\":\"%s\",\"files\":[{\"path\":\"MANIFEST.json\",\"size\":1,\"sha256\":\"%s\"}]}",
      "{\"mediaType\":\"%m\",\"site\":\"a\",\"created\":\"2026-01-01T00:00:00Z\",\"files\":[]}"})
  void parse_malformed_refusedAsMalformedManifest(String template) {
    String json = template.replace("%m", Manifest.MEDIA_TYPE).replace("%s", KEY);
    BundleRefusedException e = assertThrows(BundleRefusedException.class,
        () -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8)));
    assertEquals(Reason.MALFORMED_MANIFEST, e.reason());
    assertTrue(e.getMessage().contains(Manifest.FILE), e.getMessage());
  }

  @Test
  void refusal_exitCodes_stablePerCategory() {
    assertEquals(3, Reason.WRONG_KEY.exitCode());
    assertEquals(4, Reason.EXTRA_FILE.exitCode());
    assertEquals(5, Reason.LINK.exitCode());
    assertEquals(6, Reason.EXPIRED.exitCode());
    assertEquals(7, Reason.DESTINATION_EXISTS.exitCode());
    assertThrows(IllegalArgumentException.class, () -> new BundleRefusedException(Reason.TAMPERED, List.of(), null));
  }
}
