package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's whole flow on a real stack: sign, log, verify through TUF, and refuse tampering. */
final class DemoTest {
    @TempDir
    Path dir;

    @Test
    void call_freshStack_everyStepGivesTheExpectedVerdict() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        demo.dataDir = dir;
        assertEquals(0, demo.call(), buffer::toString);
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("5. verified against the TUF trust root"), out);
        assertTrue(out.contains("6. a tampered file is refused"), out);
        assertTrue(out.contains("7. a wrong identity is refused"), out);
    }
}
