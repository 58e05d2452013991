package dev.sigstack.core.rekor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class EntryUuidTest {
    private static final String LEAF = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

    @Test
    void format_treeIdAndLeaf_is80Hex() {
        String id = EntryUuid.format(0x24296fb24b8ad77aL, HexFormat.of().parseHex(LEAF));
        assertEquals("24296fb24b8ad77a" + LEAF, id);
    }

    @Test
    void parse_entryId_splitsTreeAndLeaf() {
        EntryUuid u = EntryUuid.parse("24296FB24B8AD77A" + LEAF.toUpperCase());
        assertEquals(Optional.of(0x24296fb24b8ad77aL), u.treeId());
        assertArrayEquals(HexFormat.of().parseHex(LEAF), u.leafHash());
    }

    @Test
    void parse_bareUuid_hasNoTree() {
        EntryUuid u = EntryUuid.parse(LEAF);
        assertEquals(Optional.empty(), u.treeId());
        assertEquals(LEAF, u.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "zz00000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000"})
    void parse_malformed_throwsWithRekorMessage(String id) {
        var e = assertThrows(IllegalArgumentException.class, () -> EntryUuid.parse(id));
        assertEquals("UUID must be a 64-character hexadecimal string", e.getMessage());
    }
}
