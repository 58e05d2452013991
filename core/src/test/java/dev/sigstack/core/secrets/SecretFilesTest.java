package dev.sigstack.core.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @Test
    void write_newFile_ownerOnlyAndNoTempLeft(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/key.pem");
        SecretFiles.writeString(f, "secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("secret", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void write_replacesWorldReadableFile_ownerOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key.pem");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        SecretFiles.writeString(f, "new");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("new", Files.readString(f));
    }

    /**
     * Attack: a watcher polls every file that appears in the folder while keys are written and records any
     * permission other than owner-only. With write-then-chmod the temporary file exists for a moment with the
     * umask's permissions (typically 0644); here it must never be seen wider than 0600.
     */
    @Test
    void write_concurrentObserver_neverSeesWiderPermissions(@TempDir Path dir) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread watcher = new Thread(() -> {
            while (!stop.get()) {
                try (var s = Files.list(dir)) {
                    for (Path p : s.toList()) {
                        try {
                            String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                            if (!perms.equals("rw-------") && seen.size() < 5) {
                                seen.add(p.getFileName() + " " + perms);
                            }
                        } catch (java.io.IOException gone) {
                            // renamed or deleted meanwhile
                        }
                    }
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    // listing raced with a rename
                }
            }
        });
        watcher.start();
        for (int i = 0; i < 300; i++) {
            SecretFiles.writeString(dir.resolve("key-" + (i % 3) + ".pem"), "secret " + i);
        }
        stop.set(true);
        watcher.join();
        assertEquals(List.of(), seen);
    }

    @Test
    void createIfAbsent_existing_keepsFirst(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pw");
        assertTrue(SecretFiles.createIfAbsent(f, "one".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(SecretFiles.createIfAbsent(f, "two".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("one".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void password_generatedOnceRandomOwnerOnly(@TempDir Path dir) throws Exception {
        char[] a = SecretFiles.password(dir.resolve("a"));
        char[] b = SecretFiles.password(dir.resolve("b"));
        assertEquals(43, a.length);
        assertFalse(new String(a).equals(new String(b)));
        assertArrayEquals(a, SecretFiles.password(dir.resolve("a")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a"))));
    }
}
