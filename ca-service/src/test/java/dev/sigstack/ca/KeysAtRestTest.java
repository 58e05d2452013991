package dev.sigstack.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.keys.CaKeys;

/** The CA's keys and passwords on disk: owner-only, and the generated gRPC keystore has no fixed password. */
class KeysAtRestTest {

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void caKeys_privateKeysOwnerOnly(@TempDir Path dir) throws Exception {
        CaKeys.create(dir, "pw".toCharArray(), "test");
        assertEquals("rw-------", perms(dir.resolve("root.key.pem")));
        assertEquals("rw-------", perms(dir.resolve("intermediate.key.pem")));
        CaKeys.rotateIntermediate(dir, "pw".toCharArray(), "test");
        assertEquals("rw-------", perms(dir.resolve("intermediate.key.pem")));
    }

    @Test
    void grpcKeystore_randomPasswordOwnerOnlyNotTheOldFixedOne(@TempDir Path dir) throws Exception {
        CaConfig a = CaConfig.builder(dir.resolve("a")).ctLogUrl(java.net.URI.create("http://127.0.0.1:1")).build();
        CaConfig b = CaConfig.builder(dir.resolve("b")).ctLogUrl(java.net.URI.create("http://127.0.0.1:1")).build();
        char[] pwA = GrpcEndpoint.keystorePassword(a);
        KeyStore ks = GrpcEndpoint.keystore(a, pwA);
        assertFalse(new String(pwA).equals(new String(GrpcEndpoint.keystorePassword(b))), "password is not random");
        assertArrayEquals(pwA, GrpcEndpoint.keystorePassword(a), "password is not kept");
        Path p12 = dir.resolve("a/tls/grpc.p12");
        assertEquals("rw-------", perms(p12));
        assertEquals("rw-------", perms(dir.resolve("a/tls/grpc.p12.password")));
        KeyStore reread = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            reread.load(in, pwA);
        }
        assertEquals(java.util.Collections.list(ks.aliases()), java.util.Collections.list(reread.aliases()));
        KeyStore fixed = KeyStore.getInstance("PKCS12");
        assertThrows(Exception.class, () -> {
            try (InputStream in = Files.newInputStream(p12)) {
                fixed.load(in, "sigstack".toCharArray());
            }
        });
    }
}
