package dev.sigstack.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
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

    @Test
    void keysCreate_existingCa_nonZeroExit(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "s3cret");
        String[] args = {"keys", "create", "--dir", dir.resolve("ca").toString(), "--password-file", pw.toString()};
        assertEquals(0, new CommandLine(new Main()).execute(args));
        assertNotEquals(0, new CommandLine(new Main()).execute(args));
    }
}
