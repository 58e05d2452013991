package dev.sigstack.ca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.issuance.CaSigner;

class CaKeysTest {
    private static final char[] PW = "correct horse".toCharArray();

    @Test
    void create_rootAndIntermediate_keysEncryptedAndChainValid(@TempDir Path dir) throws Exception {
        CaSigner s = CaKeys.create(dir, PW, "acme");
        X509Certificate inter = s.chain().getFirst();
        X509Certificate root = s.chain().getLast();
        inter.verify(root.getPublicKey());
        root.verify(root.getPublicKey());
        assertEquals(0, inter.getBasicConstraints());
        assertTrue(inter.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.3"), "intermediate carries EKU codeSigning like Fulcio's");
        assertTrue(Files.readString(dir.resolve("intermediate.key.pem")).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        assertTrue(Files.readString(dir.resolve("root.key.pem")).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        assertEquals(s.chain(), CaKeys.load(dir, PW).chain());
    }

    @Test
    void create_p256_rotateKeepsCurve(@TempDir Path dir) throws Exception {
        CaSigner s = CaKeys.create(dir, PW, "acme", "secp256r1");
        assertEquals("SHA256withECDSA", s.signatureAlgorithm());
        assertEquals("SHA256withECDSA", CaKeys.rotateIntermediate(dir, PW, "acme").signatureAlgorithm());
        assertThrows(GeneralSecurityException.class, () -> CaKeys.create(dir.resolve("x"), PW, "acme", "secp256k1"));
    }

    @Test
    void load_wrongPassword_clearError(@TempDir Path dir) throws Exception {
        CaKeys.create(dir, PW, "acme");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> CaKeys.load(dir, "nope".toCharArray()));
        assertTrue(e.getMessage().contains("wrong passphrase"), e.getMessage());
    }

    @Test
    void create_existingCa_refused(@TempDir Path dir) throws Exception {
        CaKeys.create(dir, PW, "acme");
        assertThrows(java.io.IOException.class, () -> CaKeys.create(dir, PW, "acme"));
    }

    @Test
    void rotateIntermediate_twoChainsValidWithOverlap(@TempDir Path dir) throws Exception {
        CaSigner first = CaKeys.create(dir, PW, "acme");
        CaSigner second = CaKeys.rotateIntermediate(dir, PW, "acme");
        assertNotEquals(first.chain().getFirst(), second.chain().getFirst());
        assertEquals(first.chain().getLast(), second.chain().getLast(), "same root");
        List<List<X509Certificate>> previous = CaKeys.previousChains(dir, Instant.now());
        assertEquals(List.of(first.chain()), previous);
        X509Certificate a = first.chain().getFirst();
        X509Certificate b = second.chain().getFirst();
        assertTrue(b.getNotBefore().before(a.getNotAfter()), "validity windows overlap");
        Instant now = Instant.now();
        a.checkValidity(java.util.Date.from(now));
        b.checkValidity(java.util.Date.from(now));
        assertEquals(second.chain(), CaKeys.load(dir, PW).chain());
        assertEquals(List.of(), CaKeys.previousChains(dir, a.getNotAfter().toInstant().plusSeconds(1)), "expired chains drop out");
    }
}
