package dev.sigstack.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import dev.sigstack.ca.keys.CaKeys;

/** The CLI's key commands: create a root and an intermediate, rotate, refuse without a password. */
class MainTest {

    @Test
    void keysCreateThenRotate_filesWrittenAndPreviousChainKept(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "s3cret\n");
        Path ca = dir.resolve("ca");
        assertEquals(0, new CommandLine(new Main()).execute("keys", "create", "--dir", ca.toString(), "--password-file", pw.toString(),
            "--curve", "secp256r1"));
        for (String f : new String[] {"root.crt.pem", "root.key.pem", "intermediate.crt.pem", "intermediate.key.pem", "chain.pem"}) {
            assertTrue(Files.exists(ca.resolve(f)), f);
        }
        String before = Files.readString(ca.resolve("intermediate.crt.pem"));
        assertEquals(0, new CommandLine(new Main()).execute("keys", "rotate", "--dir", ca.toString(), "--password-file", pw.toString()));
        assertNotEquals(before, Files.readString(ca.resolve("intermediate.crt.pem")));
        assertTrue(Files.exists(ca.resolve("previous/chain-1.pem")));
        assertEquals("SHA256withECDSA", CaKeys.load(ca, "s3cret".toCharArray()).signatureAlgorithm());
    }

    /** The chart's TSA Secret: made once, loaded (not remade) on every later run, refused with another password. */
    @Test
    void keysTsa_writesKeyAndChainOnceThenLoadsThem(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "s3cret\n");
        Path tsa = dir.resolve("tsa");
        assertEquals(0, new CommandLine(new Main()).execute("keys", "tsa", "--dir", tsa.toString(), "--password-file", pw.toString()));
        String chain = Files.readString(tsa.resolve("tsa-chain.pem"));
        String key = Files.readString(tsa.resolve("tsa.key.pem"));
        assertTrue(key.contains("ENCRYPTED"), "the TSA key is stored encrypted");
        assertEquals(0, new CommandLine(new Main()).execute("keys", "tsa", "--dir", tsa.toString(), "--password-file", pw.toString()));
        assertEquals(chain, Files.readString(tsa.resolve("tsa-chain.pem")), "a second run keeps the TSA");
        assertEquals(key, Files.readString(tsa.resolve("tsa.key.pem")));
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "other\n");
        assertNotEquals(0, new CommandLine(new Main()).execute("keys", "tsa", "--dir", tsa.toString(), "--password-file", wrong.toString()));
    }

    @Test
    void keysCreate_existingCa_nonZeroExit(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "s3cret");
        String[] args = {"keys", "create", "--dir", dir.resolve("ca").toString(), "--password-file", pw.toString()};
        assertEquals(0, new CommandLine(new Main()).execute(args));
        assertNotEquals(0, new CommandLine(new Main()).execute(args));
    }

    @ParameterizedTest
    @CsvSource({"--version", "serve --version", "keys create --version"})
    void version_anyCommand_printsNameAndVersion(String command) {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        assertEquals(0, cl.execute(command.split(" ")));
        assertEquals("sigstack-ca 0.1.0", out.toString().strip());
    }

    @ParameterizedTest
    @CsvSource({"serve, --ct-log", "keys, create", "keys tsa, --dir", "keys create, --curve", "keys rotate, --dir",
        "keys import-pkcs11, --pkcs11-config"})
    void help_everySubcommand_usageOnStdoutExitZero(String command, String expected) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.split(" ")));
        args.add("--help");
        assertEquals(0, cl.execute(args.toArray(String[]::new)), err.toString());
        assertTrue(out.toString().startsWith("Usage: sigstack-ca " + command), out.toString());
        assertTrue(out.toString().contains(expected), out.toString());
        assertEquals("", err.toString());
    }
}
