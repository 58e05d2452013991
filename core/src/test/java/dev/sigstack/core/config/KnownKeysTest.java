package dev.sigstack.core.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import org.junit.jupiter.api.Test;

final class KnownKeysTest {
    private static final KnownKeys KEYS = KnownKeys.mapping("name", KnownKeys.ANY,
            "items", KnownKeys.listOf(KnownKeys.mapping("id", KnownKeys.ANY, "labels", KnownKeys.ANY)),
            "nested", KnownKeys.mapping("port", KnownKeys.ANY));

    @Test
    void check_knownKeys_anyValuesAndFreeFormMappings_accepted() {
        assertDoesNotThrow(() -> KEYS.check("f.json",
                "{\"name\":\"x\",\"items\":[{\"id\":1,\"labels\":{\"anything\":true}}],\"nested\":{\"port\":1}}",
                new JsonFactory()));
    }

    @Test
    void check_unknownKeyInListItem_namedWithLineAndSuggestion() {
        var e = assertThrows(KnownKeys.UnknownKeyException.class, () -> KEYS.check("f.json",
                "{\"name\":\"x\",\n\"items\":[{\"id\":1},\n{\"idd\":2}]}", new JsonFactory()));
        assertEquals("f.json:3: unknown key 'items.idd' (did you mean 'id'?); known here: id, labels", e.getMessage());
    }

    @Test
    void check_farFromEveryKey_noSuggestion() {
        var e = assertThrows(KnownKeys.UnknownKeyException.class,
                () -> KEYS.check("f.json", "{\"nested\":{\"colour\":1}}", new JsonFactory()));
        assertEquals("f.json:1: unknown key 'nested.colour'; known here: port", e.getMessage());
    }

    @Test
    void check_emptyOrNull_refused() {
        assertThrows(KnownKeys.UnknownKeyException.class, () -> KEYS.check("f.json", "  \n", new JsonFactory()));
        assertThrows(KnownKeys.UnknownKeyException.class, () -> KEYS.check("f.json", "null", new JsonFactory()));
    }

    @Test
    void distance_isLevenshtein() {
        assertEquals(1, KnownKeys.distance("sidecar", "sidecars"));
        assertEquals(3, KnownKeys.distance("kitten", "sitting"));
        assertEquals(0, KnownKeys.distance("", ""));
    }
}
