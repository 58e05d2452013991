package dev.sigstack.tuf;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;

/**
 * Loads TUF keys. A key reference is either a PEM file (a PKCS#8 or SEC1 private key, a
 * passphrase-encrypted PKCS#8 key with the passphrase in {@code SIGSTACK_KEY_PASSPHRASE}, or a
 * public key) or {@code pkcs11:CONFIG#ALIAS}: the SunPKCS11 provider configured by the file CONFIG,
 * key entry ALIAS, PIN from the environment variable {@code SIGSTACK_PKCS11_PIN}.
 */
public final class Keys {

  /** The environment variable holding the PKCS#11 user PIN. */
  public static final String PIN_ENV = "SIGSTACK_PKCS11_PIN";
  /** The environment variable holding the passphrase of encrypted PKCS#8 PEM keys. */
  public static final String PASSPHRASE_ENV = "SIGSTACK_KEY_PASSPHRASE";

  private Keys() {}

  /** A signer for a private key reference. */
  public static TufSigner signer(String ref) throws IOException, GeneralSecurityException {
    String pass = System.getenv(PASSPHRASE_ENV);
    return signer(ref, pass == null ? null : pass.toCharArray());
  }

  /** A signer for a key reference; {@code passphrase} decrypts an encrypted PKCS#8 PEM. */
  public static TufSigner signer(String ref, char[] passphrase) throws IOException, GeneralSecurityException {
    if (ref.startsWith("pkcs11:")) {
      int hash = ref.lastIndexOf('#');
      if (hash < 0) {
        throw new IllegalArgumentException("PKCS#11 key reference must be pkcs11:CONFIG#ALIAS, got " + ref);
      }
      String pin = System.getenv(PIN_ENV);
      if (pin == null) {
        throw new IllegalArgumentException("set " + PIN_ENV + " to the token's user PIN to use " + ref);
      }
      return pkcs11(Path.of(ref.substring("pkcs11:".length(), hash)), ref.substring(hash + 1), pin.toCharArray());
    }
    String text = read(Path.of(ref));
    if (passphrase == null && Pem.isEncrypted(text)) {
      throw new IllegalArgumentException(ref + ": encrypted key; set " + PASSPHRASE_ENV + " to its passphrase");
    }
    try {
      var kp = Pem.readKeyPair(text, passphrase);
      String alg = kp.getPublic().getAlgorithm();
      if (!alg.equals("EC") && !alg.equals("ECDSA") && !alg.equals("Ed25519") && !alg.equals("EdDSA")) {
        throw new IllegalArgumentException("only ECDSA P-256 and Ed25519 keys are supported");
      }
      return TufSigner.of(kp.getPrivate(), kp.getPublic(), null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ref + ": " + e.getMessage(), e);
    }
  }

  /** The public key object of a reference: a public or private key PEM, or a PKCS#11 key. */
  public static TufKey publicKey(String ref) throws IOException, GeneralSecurityException {
    if (!ref.startsWith("pkcs11:")) {
      String text = read(Path.of(ref));
      if (text.contains("-----BEGIN PUBLIC KEY-----")) {
        try {
          return TufKey.of(Pem.readPublicKey(text));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(ref + ": " + e.getMessage(), e);
        }
      }
    }
    return signer(ref).key();
  }

  /** A signer for a key entry of a PKCS#11 token, through the JDK's SunPKCS11 provider. */
  public static TufSigner pkcs11(Path config, String alias, char[] pin) throws IOException, GeneralSecurityException {
    Provider base = Security.getProvider("SunPKCS11");
    if (base == null) {
      throw new GeneralSecurityException("this JDK has no SunPKCS11 provider");
    }
    Provider p = base.configure(config.toAbsolutePath().toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", p);
    ks.load(null, pin);
    Key key = ks.getKey(alias, null);
    Certificate cert = ks.getCertificate(alias);
    if (!(key instanceof PrivateKey priv) || cert == null) {
      throw new GeneralSecurityException("PKCS#11 token has no private key with a certificate under alias " + alias);
    }
    return TufSigner.of(priv, cert.getPublicKey(), p);
  }

  private static String read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN ")) {
      throw new IllegalArgumentException(file + ": no PEM object");
    }
    return text;
  }
}
