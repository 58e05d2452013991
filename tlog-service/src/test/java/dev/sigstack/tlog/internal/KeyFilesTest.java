package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @Test
    void loadOrCreateEcdsa_newKey_ownerOnlyAndStable(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("keys/tlog-key.pem");
        KeyPair a = KeyFiles.loadOrCreateEcdsa(f);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(a.getPublic(), KeyFiles.loadOrCreateEcdsa(f).getPublic());
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
    }
}
