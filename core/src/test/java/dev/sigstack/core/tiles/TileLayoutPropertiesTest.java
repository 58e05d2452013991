package dev.sigstack.core.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sigstack.core.testing.Hostile;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated tile paths: {@link TileLayout#parse} never throws (anything not canonical is empty), and what it accepts
 * is exactly the canonical path of what it returns.
 */
class TileLayoutPropertiesTest {
    private static final List<String> PATHS = List.of("0/000", "1/x001/x234/067.p/8", "entries/x123/456",
            "entries/000.p/255", "63/x009/x223/x372/x036/x854/x775/807", "2/999.p/1", "entries/x001/000");

    @Provide
    Arbitrary<String> hostilePaths() {
        return Arbitraries.oneOf(Hostile.textMutations(PATHS), Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars("0123456789x/.pentries").ofMaxLength(60));
    }

    @Property(tries = 1000)
    void parse_anyPath_emptyOrCanonical(@ForAll("hostilePaths") String rest) {
        Object r = Hostile.refusesCleanly(() -> TileLayout.parse(rest));
        if (r instanceof Optional<?> o && o.isPresent()) {
            TileLayout.TileRef t = (TileLayout.TileRef) o.get();
            String again = t.level() < 0 ? TileLayout.entryBundlePath(t.index(), t.width())
                    : TileLayout.tilePath(t.level(), t.index(), t.width());
            assertEquals("tile/" + rest, again);
        }
    }
}
