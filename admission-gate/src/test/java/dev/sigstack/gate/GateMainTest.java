package dev.sigstack.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line's version option, on the top command and its subcommands. */
class GateMainTest {

    @ParameterizedTest
    @ValueSource(strings = {"--version", "serve --version", "test --version"})
    void version_anyCommand_printsNameAndVersion(String command) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new GateMain());
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute(command.split(" ")));
        assertEquals("admission-gate 0.1.0", out.toString().strip());
    }
}
