package dev.sigstack.core.rekor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

final class CanonicalJsonTest {

    private static String canon(String json) throws IOException {
        return new String(CanonicalJson.canonicalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void canonicalize_rfc8785SortingExample_sortsByUtf16CodeUnits() throws IOException {
        // RFC 8785 section 3.2.3
        String in = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        String out = canon(in);
        String[] order = {"\\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"};
        int at = -1;
        for (String k : order) {
            int i = out.indexOf("\"" + k + "\"");
            assertEquals(true, i > at, "key " + k + " out of order in " + out);
            at = i;
        }
    }

    @Test
    void canonicalize_whitespaceAndEscapes_areMinimal() throws IOException {
        assertEquals("{\"a\":[1,true,null,\"\\n\\u001f\\\"/é\"],\"b\":{}}",
                canon(" { \"b\" : { } , \"a\" : [ 1 , true , null , \"\\n\\u001F\\\"\\/\\u00e9\" ] } "));
    }

    @ParameterizedTest
    @CsvSource({
        "1E3, 1000", "0.000001, 0.000001", "1e-7, 1e-7", "1e21, 1e+21", "-0.5, -0.5", "123456789012, 123456789012",
        "4.50, 4.5", "0, 0", "-0.0, 0", "9007199254740993, 9007199254740992"
    })
    void canonicalize_numbers_useEcmaScriptForm(String in, String out) throws IOException {
        assertEquals(out, canon(in));
    }

    @Test
    void parse_duplicateKey_throws() {
        assertThrows(IOException.class, () -> CanonicalJson.parse("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parse_trailingData_throws() {
        assertThrows(IOException.class, () -> CanonicalJson.parse("{} {}".getBytes(StandardCharsets.UTF_8)));
    }
}
