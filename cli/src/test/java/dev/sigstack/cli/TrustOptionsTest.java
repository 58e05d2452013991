package dev.sigstack.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where trust material comes from, and the refusals when it comes from nowhere. */
final class TrustOptionsTest {

    @Test
    void trustedRoot_fileWins_andNothingConfiguredIsRefused(@TempDir Path tmp) throws Exception {
        TrustOptions o = new TrustOptions();
        o.env = Map.of();
        CliFailure none = assertThrows(CliFailure.class, o::trustedRootJson);
        assertTrue(none.getMessage().contains("no built-in public-good"), none.getMessage());
        assertTrue(o.signingConfigFromTuf().isEmpty());
        assertTrue(!o.configured());
        o.trustedRoot = Files.writeString(tmp.resolve("r.json"), "{}");
        assertArrayEquals("{}".getBytes(), o.trustedRootJson());
    }

    @Test
    void tufFromEnvironment_needsBothUrlAndRoot(@TempDir Path tmp) {
        TrustOptions o = new TrustOptions();
        o.env = Map.of(TrustOptions.ENV_TUF_URL, "http://127.0.0.1:9/");
        assertTrue(o.configured());
        CliFailure e = assertThrows(CliFailure.class, o::trustedRootJson);
        assertTrue(e.getMessage().contains(TrustOptions.ENV_TUF_ROOT), e.getMessage());
        o.env = Map.of(TrustOptions.ENV_TUF_URL, "http://127.0.0.1:9/", TrustOptions.ENV_TUF_ROOT,
                tmp.resolve("missing-root.json").toString());
        e = assertThrows(CliFailure.class, o::trustedRootJson);
        assertTrue(e.getMessage().contains("cannot read TUF root"), e.getMessage());
    }

    @Test
    void read_oversizedOrMissingFile_isRefused(@TempDir Path tmp) throws Exception {
        Path big = tmp.resolve("big.json");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.position(TrustOptions.MAX_FILE); // sparse: MAX_FILE + 1 bytes without writing them
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
        }
        CliFailure e = assertThrows(CliFailure.class, () -> TrustOptions.read(big, "bundle"));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
        e = assertThrows(CliFailure.class, () -> TrustOptions.read(tmp.resolve("nope"), "bundle"));
        assertTrue(e.getMessage().contains("cannot read bundle"), e.getMessage());
    }
}
