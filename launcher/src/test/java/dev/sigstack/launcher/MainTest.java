package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./sigstack run}'s own options, without starting a stack. */
class MainTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute(args));
        return out.toString();
    }

    @Test
    void version_printsNameAndVersion() {
        assertEquals("sigstack 0.1.0", run("--version").strip());
    }

    @Test
    void help_namesEveryOptionTheReadmeNames() {
        String help = run("--help");
        for (String option : new String[] {"--data-dir", "--host", "--base-port", "--identity-config",
                "--plain-http-registry", "demo"}) {
            assertTrue(help.contains(option), option + " in " + help);
        }
    }
}
