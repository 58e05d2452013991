package dev.sigstack.core.pem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.tls.ServingCertificates;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class PemTest {
    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    @ParameterizedTest
    @ValueSource(strings = {"secp256r1", "secp384r1"})
    void ecPrivateKey_readBack_givesTheSameKeyPair(String curve) throws Exception {
        KeyPair kp = ec(curve);
        String pem = Pem.ecPrivateKey(kp);
        assertTrue(pem.startsWith("-----BEGIN EC PRIVATE KEY-----\n"), pem);
        KeyPair read = Pem.readKeyPair(pem, null);
        assertArrayEquals(kp.getPublic().getEncoded(), read.getPublic().getEncoded());
        assertEquals(((java.security.interfaces.ECPrivateKey) kp.getPrivate()).getS(),
                ((java.security.interfaces.ECPrivateKey) read.getPrivate()).getS());
    }

    @Test
    void readKeyPair_pkcs8WithoutPublicKey_derivesIt() throws Exception {
        KeyPair kp = ec("secp256r1");
        KeyPair read = Pem.readKeyPair(Pem.encode("PRIVATE KEY", kp.getPrivate().getEncoded()), null);
        assertArrayEquals(kp.getPublic().getEncoded(), read.getPublic().getEncoded());
    }

    @Test
    void readKeyPair_ed25519Pkcs8_derivesThePublicKey() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair read = Pem.readKeyPair(Pem.encode("PRIVATE KEY", kp.getPrivate().getEncoded()), null);
        assertArrayEquals(kp.getPublic().getEncoded(), read.getPublic().getEncoded());
    }

    @Test
    void readKeyPair_encryptedPkcs8_needsTheRightPassphrase() throws Exception {
        KeyPair kp = ec("secp256r1");
        java.io.StringWriter w = new java.io.StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new JcaPKCS8Generator(kp.getPrivate(), new JceOpenSSLPKCS8EncryptorBuilder(
                    JcaPKCS8Generator.AES_256_CBC).setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword("s3cret".toCharArray()).build()));
        }
        String pem = w.toString();
        assertTrue(Pem.isEncrypted(pem));
        assertArrayEquals(kp.getPublic().getEncoded(), Pem.readKeyPair(pem, "s3cret".toCharArray()).getPublic()
                .getEncoded());
        assertEquals("cannot decrypt the key (wrong passphrase?)", assertThrows(IllegalArgumentException.class,
                () -> Pem.readKeyPair(pem, "wrong".toCharArray())).getMessage());
        assertEquals("encrypted key and no passphrase was given", assertThrows(IllegalArgumentException.class,
                () -> Pem.readKeyPair(pem, null)).getMessage());
    }

    @Test
    void readKeyPair_rsaPkcs8_derivesThePublicKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        KeyPair read = Pem.readKeyPair(Pem.encode("PRIVATE KEY", kp.getPrivate().getEncoded()), null);
        assertArrayEquals(kp.getPublic().getEncoded(), read.getPublic().getEncoded());
    }

    @Test
    void readKeyPair_dsa_refusedAsUnsupported() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("DSA");
        g.initialize(2048);
        String pem = Pem.encode("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded());
        assertEquals("only EC, Ed25519 and RSA keys are supported", assertThrows(IllegalArgumentException.class,
                () -> Pem.readKeyPair(pem, null)).getMessage());
    }

    @Test
    void readers_hostileOrWrongText_refusedWithWhatItIs() throws Exception {
        KeyPair kp = ec("secp256r1");
        assertEquals("no PEM object", assertThrows(IllegalArgumentException.class,
                () -> Pem.readKeyPair("", null)).getMessage());
        assertEquals("not a private key PEM (PKCS#8, encrypted PKCS#8 or SEC1)", assertThrows(
                IllegalArgumentException.class, () -> Pem.readKeyPair(Pem.encode("PUBLIC KEY",
                        kp.getPublic().getEncoded()), null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Pem.readKeyPair(
                "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", null)).getMessage()
                .startsWith("malformed PEM"));
        assertThrows(IllegalArgumentException.class, () -> Pem.readKeyPair(
                Pem.encode("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}), null));
        assertEquals("not a PEM public key or certificate", assertThrows(IllegalArgumentException.class,
                () -> Pem.readPublicKey(Pem.ecPrivateKey(kp))).getMessage());
        assertFalse(Pem.isEncrypted(Pem.ecPrivateKey(kp)));
    }

    @Test
    void certificates_roundTrip_inOrder_andPublicKeyFromACertificate() throws Exception {
        KeyPair a = ec("secp256r1");
        KeyPair b = ec("secp256r1");
        X509Certificate ca = ServingCertificates.selfSigned(a, "a", "127.0.0.1", Duration.ofDays(1));
        X509Certificate cb = ServingCertificates.selfSigned(b, "b", "127.0.0.1", Duration.ofDays(1));
        String text = Pem.certificates(List.of(ca, cb));
        assertEquals(List.of(ca, cb), Pem.readCertificates(text));
        assertTrue(Pem.certificate(ca).lines().skip(1).takeWhile(l -> !l.startsWith("-----"))
                .allMatch(l -> l.length() <= 64));
        assertArrayEquals(a.getPublic().getEncoded(), Pem.readPublicKey(text).getEncoded());
        assertArrayEquals(b.getPublic().getEncoded(), Pem.readPublicKey(Pem.encode("PUBLIC KEY",
                b.getPublic().getEncoded())).getEncoded());
    }
}
