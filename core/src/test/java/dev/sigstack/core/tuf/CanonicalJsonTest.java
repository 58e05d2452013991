package dev.sigstack.core.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String canonical(String json) throws Exception {
    return new String(CanonicalJson.encode(JSON.readTree(json)), StandardCharsets.UTF_8);
  }

  @Test
  void encode_nestedObjects_sortsKeysWithoutWhitespace() throws Exception {
    assertEquals("{\"a\":[true,null,\"x\",{\"A\":1,\"b\":-2}],\"b\":10}",
        canonical("{ \"b\" : 10, \"a\" : [ true, null, \"x\", {\"b\": -2, \"A\": 1} ] }"));
  }

  @Test
  void encode_stringWithQuoteBackslashAndNewline_escapesOnlyQuoteAndBackslash() throws Exception {
    // OLPC canonical JSON: a PEM key's newlines stay raw bytes (tuf-js, securesystemslib, and
    // sigstore-java's patched canonicalizer all agree).
    assertArrayEquals("\"a\\\"b\\\\c\nd\"".getBytes(StandardCharsets.UTF_8),
        CanonicalJson.encode(JSON.readTree("\"a\\\"b\\\\c\\nd\"")));
  }

  @Test
  void encode_nonAsciiKeys_sortedByCodePoint() throws Exception {
    assertEquals("{\"Z\":1,\"a\":2,\"é\":3}", canonical("{\"é\":3,\"a\":2,\"Z\":1}"));
  }

  @Test
  void encode_float_throwsIllegalArgument() {
    var e = assertThrows(IllegalArgumentException.class, () -> canonical("{\"version\": 1.5}"));
    assertEquals("canonical JSON allows integers only, found 1.5", e.getMessage());
  }
}
