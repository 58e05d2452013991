package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log key survives a restart: a key file written on first start is read back on the next. */
final class KeyFilesTest {
    @TempDir
    Path tmp;

    @Test
    void loadOrCreateEcdsa_fileWrittenByFirstStart_readsBackTheSameKeyPair() throws Exception {
        Path file = tmp.resolve("tlog-key.pem");
        KeyPair created = KeyFiles.loadOrCreateEcdsa(file);
        KeyPair read = KeyFiles.loadOrCreateEcdsa(file);
        assertArrayEquals(created.getPublic().getEncoded(), read.getPublic().getEncoded());
        byte[] message = "checkpoint".getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(read.getPrivate());
        s.update(message);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(created.getPublic());
        v.update(message);
        assertTrue(v.verify(sig), "the private key read back signs for the public key created first");
    }

    @Test
    void loadOrCreateEcdsa_newKey_ownerOnlyAndNoTemporaryLeft() throws Exception {
        Path file = tmp.resolve("keys/tlog-key.pem");
        KeyFiles.loadOrCreateEcdsa(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }
}
