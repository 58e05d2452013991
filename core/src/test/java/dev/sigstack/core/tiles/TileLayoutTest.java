package dev.sigstack.core.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class TileLayoutTest {

    @ParameterizedTest
    @CsvSource({"0,000", "7,007", "999,999", "1000,x001/000", "1234067,x001/x234/067"})
    void encodeIndex_examplesFromSpec(long index, String expected) {
        assertEquals(expected, TileLayout.encodeIndex(index));
        assertEquals(index, TileLayout.parse("0/" + expected).orElseThrow().index());
    }

    @ParameterizedTest
    @CsvSource({"1/x001/x234/067.p/8,1,1234067,8", "entries/000.p/15,-1,0,15", "0/005,0,5,256"})
    void parse_validPaths_roundTrip(String rest, int level, long index, int width) {
        TileLayout.TileRef ref = TileLayout.parse(rest).orElseThrow();
        assertEquals(new TileLayout.TileRef(level, index, width), ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0/", "0/1", "0/0001", "0/x000/001", "00/001", "-1/001", "0/001.p/0",
        "0/001.p/256", "0/001.p/010", "0/../001", "entries/x1/001", "99/001", "0/001.p/", "a/001",
        "0/x999/x999/x999/x999/x999/x999/999", "entries/x018/x446/x744/x073/x709/x551/615"})
    void parse_malformedOrNonCanonical_isEmpty(String rest) {
        assertTrue(TileLayout.parse(rest).isEmpty(), rest);
    }

    @ParameterizedTest
    @CsvSource({"0,0,0,0", "300,0,0,256", "300,0,1,44", "300,1,0,1", "65536,1,0,256", "65536,2,0,1",
        "600,0,72057594037927936,0", "600,0,-1,0", "9223372036854775807,0,36028797018963967,255",
        "9223372036854775807,1,140737488355327,255"})
    void widthAt_treeSizes(long size, int level, long index, int width) {
        assertEquals(width, TileLayout.widthAt(size, level, index));
    }

    @org.junit.jupiter.api.Test
    void entryBundle_truncated_throws() {
        byte[] ok = EntryBundle.encode(List.of(new byte[] {1, 2}, new byte[] {3}));
        assertEquals(2, EntryBundle.decode(ok).size());
        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 1);
        assertThrows(IllegalArgumentException.class, () -> EntryBundle.decode(truncated));
    }
}
