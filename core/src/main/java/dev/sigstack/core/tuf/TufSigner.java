package dev.sigstack.core.tuf;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Something that signs TUF metadata with one key: a private key in memory, or a key in a PKCS#11
 * token (its provider is given). ECDSA signatures are DER, Ed25519 signatures raw 64 bytes, as TUF
 * clients expect.
 */
public interface TufSigner {

  /** The public key object, as listed in root metadata. */
  TufKey key();

  /** Signs canonical bytes. */
  byte[] sign(byte[] data) throws GeneralSecurityException;

  /** A signer for a JCA private key; {@code provider} may be null for the default providers. */
  static TufSigner of(PrivateKey privateKey, PublicKey publicKey, Provider provider) {
    TufKey key = TufKey.of(publicKey);
    return new TufSigner() {
      @Override
      public TufKey key() {
        return key;
      }

      @Override
      public byte[] sign(byte[] data) throws GeneralSecurityException {
        Signature s =
            provider == null
                ? Signature.getInstance(key.jcaAlgorithm())
                : Signature.getInstance(key.jcaAlgorithm(), provider);
        s.initSign(privateKey);
        s.update(data);
        return s.sign();
      }

      @Override
      public String toString() {
        return "TufSigner[" + key.keyId() + "]";
      }
    };
  }
}
