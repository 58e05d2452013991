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
        if (LocalRegistry.binary().isPresent()) {
            assertTrue(out.contains("10. the gate ("), out);
            assertTrue(out.contains("admits a Pod running the signed image"), out);
            // policy-controller's wording for an image with no signature, and for one signed by someone else
            String unsigned = out.substring(out.indexOf("11. the gate refuses an unsigned image: "),
                    out.indexOf("12. the gate refuses"));
            assertTrue(unsigned.contains("failed policy: demo-ci-signed") && unsigned.contains("no signatures found"),
                    out);
            String other = out.substring(out.indexOf("12. the gate refuses an image signed by another identity: "));
            assertTrue(other.contains("failed policy: demo-ci-signed")
                    && other.contains("none of the expected identities matched")
                    && other.contains("mallory@sigstack.example"), out);
            assertTrue(out.contains("demo: every step gave the expected verdict"), out);
        } else {
            assertTrue(out.contains("8-12. skipped"), out);
        }
    }
}
