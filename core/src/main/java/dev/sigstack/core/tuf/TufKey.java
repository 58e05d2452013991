package dev.sigstack.core.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A TUF key object (spec 4.2 "Key objects"): {@code keytype}, {@code scheme} and the public value.
 *
 * <p>ECDSA P-256 keys are written as sigstore's root-signing writes them: keytype {@code ecdsa},
 * scheme {@code ecdsa-sha2-nistp256}, public value a PEM SubjectPublicKeyInfo ending in a newline.
 * Ed25519 keys: keytype and scheme {@code ed25519}, public value the 32 raw bytes in hex. Reading
 * also accepts the older keytype {@code ecdsa-sha2-nistp256} and hex-encoded ECDSA points.
 */
public record TufKey(String keyType, String scheme, String publicValue) {

  public static final String SCHEME_ECDSA_P256 = "ecdsa-sha2-nistp256";
  public static final String SCHEME_ED25519 = "ed25519";
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] P256_SPKI_PREFIX =
      HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

  public TufKey {
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(publicValue, "publicValue");
  }

  /** The TUF key object for a JCA public key: ECDSA P-256 or Ed25519. */
  public static TufKey of(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException("only ECDSA P-256 keys are supported");
      }
      String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
      return new TufKey(
          "ecdsa",
          SCHEME_ECDSA_P256,
          "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
    }
    if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
      byte[] spki = key.getEncoded();
      if (spki.length != 44) {
        throw new IllegalArgumentException("not an Ed25519 public key");
      }
      byte[] raw = java.util.Arrays.copyOfRange(spki, 12, 44);
      return new TufKey("ed25519", SCHEME_ED25519, HexFormat.of().formatHex(raw));
    }
    throw new IllegalArgumentException(
        "unsupported key algorithm " + key.getAlgorithm() + "; use ECDSA P-256 or Ed25519");
  }

  /** Reads a key object; {@code where} names it in errors. */
  public static TufKey fromJson(JsonNode node, String file, String where)
      throws MalformedMetadataException {
    if (node == null || !node.isObject()) {
      throw new MalformedMetadataException(file, where + " is not a key object");
    }
    JsonNode keyval = node.get("keyval");
    if (!text(node, "keytype") || !text(node, "scheme") || keyval == null || !text(keyval, "public")) {
      throw new MalformedMetadataException(
          file, where + " needs string keytype, scheme and keyval.public");
    }
    return new TufKey(
        node.get("keytype").textValue(),
        node.get("scheme").textValue(),
        keyval.get("public").textValue());
  }

  private static boolean text(JsonNode node, String field) {
    return node.get(field) != null && node.get(field).isTextual();
  }

  /** The key object as it appears in root metadata. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("keytype", keyType);
    node.put("scheme", scheme);
    node.putObject("keyval").put("public", publicValue);
    return node;
  }

  /** The key ID: hex SHA-256 of the canonical JSON of the key object (spec 4.2). */
  public String keyId() {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(CanonicalJson.encode(toJson())));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The key material: hex SHA-256 of the public key's DER SubjectPublicKeyInfo. Two key objects
   * for the same key (a PEM and a hex public value, another keytype spelling, a key ID that is not
   * the key's hash) have the same material, so thresholds count keys, not key IDs.
   *
   * @throws InvalidKeyException if the public value does not decode
   */
  public String material() throws InvalidKeyException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey().getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JCA public key. */
  public PublicKey publicKey() throws InvalidKeyException {
    try {
      return switch (scheme) {
        case SCHEME_ECDSA_P256 -> {
          if (!keyType.equals("ecdsa") && !keyType.equals(SCHEME_ECDSA_P256)) {
            throw new InvalidKeyException("keytype " + keyType + " with scheme " + scheme);
          }
          yield KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki(P256_SPKI_PREFIX)));
        }
        case SCHEME_ED25519 -> {
          if (!keyType.equals("ed25519")) {
            throw new InvalidKeyException("keytype " + keyType + " with scheme " + scheme);
          }
          yield KeyFactory.getInstance("Ed25519")
              .generatePublic(new X509EncodedKeySpec(spki(ED25519_SPKI_PREFIX)));
        }
        default -> throw new InvalidKeyException("unsupported scheme " + scheme);
      };
    } catch (InvalidKeyException e) {
      throw e;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new InvalidKeyException("bad " + scheme + " public key: " + e.getMessage(), e);
    }
  }

  private byte[] spki(byte[] rawPrefix) {
    String v = publicValue.strip();
    if (v.startsWith("-----BEGIN PUBLIC KEY-----")) {
      String body =
          v.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
      return Base64.getMimeDecoder().decode(body);
    }
    byte[] raw = HexFormat.of().parseHex(v);
    byte[] out = new byte[rawPrefix.length + raw.length];
    System.arraycopy(rawPrefix, 0, out, 0, rawPrefix.length);
    System.arraycopy(raw, 0, out, rawPrefix.length, raw.length);
    return out;
  }

  /** The JCA signature algorithm for this key's scheme. */
  public String jcaAlgorithm() {
    return scheme.equals(SCHEME_ED25519) ? "Ed25519" : "SHA256withECDSA";
  }

  /**
   * Checks one signature over {@code data}.
   *
   * @throws java.security.SignatureException if it does not verify or is not decodable
   */
  public void verify(byte[] data, byte[] signature) throws GeneralSecurityException {
    Signature verifier = Signature.getInstance(jcaAlgorithm());
    verifier.initVerify(publicKey());
    verifier.update(data);
    if (!verifier.verify(signature)) {
      throw new java.security.SignatureException("signature does not verify");
    }
  }
}
