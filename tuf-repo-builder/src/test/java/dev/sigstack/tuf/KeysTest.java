package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.tuf.TufKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysTest {

  @TempDir Path tmp;

  @Test
  void signer_pkcs8EcAndEd25519_publicKeyDerivedAndSignaturesVerify() throws Exception {
    var ec = DevStack.ec();
    var ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    for (var kp : new java.security.KeyPair[] {ec, ed}) {
      Path pem = DevStack.pemPrivate(tmp.resolve(kp.getPublic().getAlgorithm() + ".key"), kp.getPrivate());
      var signer = Keys.signer(pem.toString());
      assertEquals(TufKey.of(kp.getPublic()), signer.key());
      byte[] data = "canonical".getBytes();
      signer.key().verify(data, signer.sign(data));
    }
  }

  @Test
  void publicKey_publicPem_sameKeyAsPrivate() throws Exception {
    var ec = DevStack.ec();
    Path pub = tmp.resolve("k.pub");
    DevStack.pemPublic(pub, ec.getPublic());
    assertEquals(TufKey.of(ec.getPublic()), Keys.publicKey(pub.toString()));
  }

  @Test
  void signer_publicKeyPem_refusedWithReason() throws Exception {
    Path pub = tmp.resolve("k.pub");
    DevStack.pemPublic(pub, DevStack.ec().getPublic());
    var e = assertThrows(IllegalArgumentException.class, () -> Keys.signer(pub.toString()));
    assertEquals(pub + ": not a private key PEM (PKCS#8, encrypted PKCS#8 or SEC1)", e.getMessage());
  }

  @Test
  void signer_rsaKey_refusedAsUnsupported() throws Exception {
    var g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Path pem = DevStack.pemPrivate(tmp.resolve("rsa.key"), g.generateKeyPair().getPrivate());
    var e = assertThrows(IllegalArgumentException.class, () -> Keys.signer(pem.toString()));
    assertEquals(pem + ": only ECDSA P-256 and Ed25519 keys are supported", e.getMessage());
  }

  @Test
  void signer_pkcs11WithoutAlias_refusedWithFormat() {
    var e = assertThrows(IllegalArgumentException.class, () -> Keys.signer("pkcs11:/etc/softhsm.cfg"));
    assertEquals("PKCS#11 key reference must be pkcs11:CONFIG#ALIAS, got pkcs11:/etc/softhsm.cfg", e.getMessage());
  }

  @Test
  void signer_emptyFile_refused() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty.pem"), "");
    var e = assertThrows(IllegalArgumentException.class, () -> Keys.signer(empty.toString()));
    assertEquals(empty + ": no PEM object", e.getMessage());
  }

  @Test
  void signer_encryptedPkcs8_decryptsWithPassphraseAndRefusesWrongOne() throws Exception {
    var ec = DevStack.ec();
    var encryptor = new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
        org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC).setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
        .setPassword("correct horse".toCharArray()).build();
    var pem = new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(ec.getPrivate(), encryptor).generate();
    Path file = tmp.resolve("enc.key");
    try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(file))) {
      w.writeObject(pem);
    }
    assertTrue(Files.readString(file).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assertEquals(TufKey.of(ec.getPublic()), Keys.signer(file.toString(), "correct horse".toCharArray()).key());
    var wrong = assertThrows(IllegalArgumentException.class, () -> Keys.signer(file.toString(), "wrong".toCharArray()));
    assertEquals(file + ": cannot decrypt the key (wrong passphrase?)", wrong.getMessage());
    var none = assertThrows(IllegalArgumentException.class, () -> Keys.signer(file.toString(), null));
    assertEquals(file + ": encrypted key; set SIGSTACK_KEY_PASSPHRASE to its passphrase", none.getMessage());
  }
}
