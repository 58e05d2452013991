package dev.sigstack.airgap;

import dev.sigstack.airgap.BundleRefusedException.Reason;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * The manifest signature: base64 of the signature over the manifest bytes, ECDSA P-256 with SHA-256
 * (ASN.1 DER) or Ed25519, as {@code cosign sign-blob --key} writes it.
 */
final class ManifestSignature {

  private ManifestSignature() {}

  /** The SHA-256 of the key's DER SubjectPublicKeyInfo, lower-case hex. */
  static String fingerprint(TufKey key) throws GeneralSecurityException {
    return fingerprint(key.publicKey());
  }

  static String fingerprint(PublicKey key) {
    return Manifest.sha256(key.getEncoded());
  }

  static byte[] sign(TufSigner signer, byte[] manifest) throws GeneralSecurityException {
    return (Base64.getEncoder().encodeToString(signer.sign(manifest)) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Checks {@code signatureFile} over {@code manifest} with {@code key}.
   *
   * @throws BundleRefusedException {@link Reason#WRONG_KEY} when the manifest names another key
   *     and the signature does not verify with this one; {@link Reason#BAD_SIGNATURE} otherwise
   */
  static void verify(TufKey key, byte[] manifest, byte[] signatureFile) throws BundleRefusedException {
    String expected;
    try {
      expected = fingerprint(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable verification key: " + e.getMessage(), e);
    }
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(new String(signatureFile, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new BundleRefusedException(Reason.BAD_SIGNATURE, Manifest.SIGNATURE_FILE + " is not base64", e);
    }
    try {
      key.verify(manifest, sig);
      return;
    } catch (GeneralSecurityException e) {
      // decide below which refusal fits
    }
    String named = namedKey(manifest);
    if (named != null && !named.equals(expected)) {
      throw new BundleRefusedException(Reason.WRONG_KEY, "the manifest names the signing key sha256:" + named
          + " and does not verify with the expected key sha256:" + expected + "; get the bundle signing key of the exporting site"
          + " out of band, or the bundle is not from that site");
    }
    throw new BundleRefusedException(Reason.BAD_SIGNATURE, Manifest.SIGNATURE_FILE
        + " does not verify over " + Manifest.FILE + " with the key sha256:" + expected
        + "; the manifest or its signature was altered after export");
  }

  /** The key fingerprint the (not yet authenticated) manifest names, or null when unreadable. */
  private static String namedKey(byte[] manifest) {
    try {
      return Manifest.parse(manifest).signingKeySha256();
    } catch (BundleRefusedException e) {
      return null;
    }
  }
}
