package dev.sigstack.core.trustroot;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.trustroot.StackDescription.CertificateAuthority;
import dev.sigstack.core.trustroot.StackDescription.ServiceUrl;
import dev.sigstack.core.trustroot.StackDescription.TransparencyLog;
import dev.sigstack.core.trustroot.StackDescription.Window;
import dev.sigstore.proto.common.v1.DistinguishedName;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.LogId;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.common.v1.TimeRange;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.common.v1.X509CertificateChain;
import dev.sigstore.proto.trustroot.v1.Service;
import dev.sigstore.proto.trustroot.v1.ServiceConfiguration;
import dev.sigstore.proto.trustroot.v1.ServiceSelector;
import dev.sigstore.proto.trustroot.v1.SigningConfig;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Builds {@code trusted_root.json} and {@code signing_config.v0.2.json} from a stack description. */
public final class TrustMaterial {

  public static final String TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
  public static final String SIGNING_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json";
  /** The TUF target names sigstore clients look for. */
  public static final String TRUSTED_ROOT_TARGET = "trusted_root.json";
  public static final String SIGNING_CONFIG_TARGET = "signing_config.v0.2.json";

  private TrustMaterial() {}

  /**
   * The trusted root. Each chain is checked: every certificate must be issued and signed by the
   * next one.
   *
   * @throws IllegalArgumentException naming the authority and certificate that is out of order
   */
  public static TrustedRoot trustedRoot(StackDescription stack) {
    TrustedRoot.Builder b = TrustedRoot.newBuilder().setMediaType(TRUSTED_ROOT_MEDIA_TYPE);
    for (TransparencyLog t : stack.tlogs()) {
      b.addTlogs(log(t));
    }
    for (CertificateAuthority ca : stack.certificateAuthorities()) {
      b.addCertificateAuthorities(authority(ca, "certificate authority"));
    }
    for (TransparencyLog t : stack.ctlogs()) {
      b.addCtlogs(log(t));
    }
    for (CertificateAuthority tsa : stack.timestampAuthorities()) {
      b.addTimestampAuthorities(authority(tsa, "timestamp authority"));
    }
    return b.build();
  }

  /** The signing config v0.2, with selector ANY for Rekor and TSA as sigstore's public instance has. */
  public static SigningConfig signingConfig(StackDescription stack) {
    SigningConfig.Builder b = SigningConfig.newBuilder().setMediaType(SIGNING_CONFIG_MEDIA_TYPE);
    stack.caUrls().forEach(s -> b.addCaUrls(service(s)));
    stack.oidcUrls().forEach(s -> b.addOidcUrls(service(s)));
    stack.rekorUrls().forEach(s -> b.addRekorTlogUrls(service(s)));
    stack.tsaUrls().forEach(s -> b.addTsaUrls(service(s)));
    b.setRekorTlogConfig(ServiceConfiguration.newBuilder().setSelector(ServiceSelector.ANY));
    b.setTsaConfig(ServiceConfiguration.newBuilder().setSelector(ServiceSelector.ANY));
    return b.build();
  }

  /** Proto3 JSON, 2-space indented, with a final newline. */
  public static byte[] json(com.google.protobuf.MessageOrBuilder message) {
    try {
      return (JsonFormat.printer().print(message) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The log ID of a key: SHA-256 of its DER SubjectPublicKeyInfo. */
  public static byte[] keyLogId(PublicKey key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TransparencyLogInstance log(TransparencyLog t) {
    byte[] id = t.logId() != null ? t.logId() : keyLogId(t.publicKey());
    return TransparencyLogInstance.newBuilder()
        .setBaseUrl(t.baseUrl())
        .setHashAlgorithm(HashAlgorithm.SHA2_256)
        .setPublicKey(
            dev.sigstore.proto.common.v1.PublicKey.newBuilder()
                .setRawBytes(ByteString.copyFrom(t.publicKey().getEncoded()))
                .setKeyDetails(details(t.publicKey(), t.baseUrl()))
                .setValidFor(range(t.validFor())))
        .setLogId(LogId.newBuilder().setKeyId(ByteString.copyFrom(id)))
        .build();
  }

  private static PublicKeyDetails details(PublicKey key, String where) {
    if (key instanceof ECPublicKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> PublicKeyDetails.PKIX_ECDSA_P256_SHA_256;
        case 384 -> PublicKeyDetails.PKIX_ECDSA_P384_SHA_384;
        case 521 -> PublicKeyDetails.PKIX_ECDSA_P521_SHA_512;
        default -> throw new IllegalArgumentException(where + ": unsupported EC curve");
      };
    }
    if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
      return PublicKeyDetails.PKIX_ED25519;
    }
    if (key instanceof RSAPublicKey rsa) {
      return switch (rsa.getModulus().bitLength()) {
        case 2048 -> PublicKeyDetails.PKIX_RSA_PKCS1V15_2048_SHA256;
        case 3072 -> PublicKeyDetails.PKIX_RSA_PKCS1V15_3072_SHA256;
        case 4096 -> PublicKeyDetails.PKIX_RSA_PKCS1V15_4096_SHA256;
        default -> throw new IllegalArgumentException(where + ": unsupported RSA key size");
      };
    }
    throw new IllegalArgumentException(where + ": unsupported key algorithm " + key.getAlgorithm());
  }

  private static dev.sigstore.proto.trustroot.v1.CertificateAuthority authority(
      CertificateAuthority ca, String what) {
    List<java.security.cert.X509Certificate> chain = ca.chain();
    for (int i = 0; i + 1 < chain.size(); i++) {
      var cert = chain.get(i);
      var issuer = chain.get(i + 1);
      if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        throw new IllegalArgumentException(String.format(
            "%s %s: certificate %d (%s) is not issued by certificate %d (%s); give the chain %s",
            what, ca.uri(), i, cert.getSubjectX500Principal(), i + 1, issuer.getSubjectX500Principal(),
            what.startsWith("timestamp") ? "leaf first" : "intermediate first, root last"));
      }
      try {
        cert.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(String.format(
            "%s %s: certificate %d's signature does not verify with certificate %d's key", what, ca.uri(), i, i + 1), e);
      }
    }
    X509CertificateChain.Builder certs = X509CertificateChain.newBuilder();
    for (var c : chain) {
      try {
        certs.addCertificates(X509Certificate.newBuilder().setRawBytes(ByteString.copyFrom(c.getEncoded())));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException(what + " " + ca.uri() + ": bad certificate", e);
      }
    }
    return dev.sigstore.proto.trustroot.v1.CertificateAuthority.newBuilder()
        .setSubject(subject(chain.get(chain.size() - 1)))
        .setUri(ca.uri())
        .setCertChain(certs)
        .setValidFor(range(ca.validFor()))
        .build();
  }

  private static DistinguishedName subject(java.security.cert.X509Certificate cert) {
    DistinguishedName.Builder b = DistinguishedName.newBuilder();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("O")) {
          b.setOrganization(rdn.getValue().toString());
        } else if (rdn.getType().equalsIgnoreCase("CN")) {
          b.setCommonName(rdn.getValue().toString());
        }
      }
    } catch (InvalidNameException e) {
      throw new IllegalArgumentException("bad subject " + cert.getSubjectX500Principal(), e);
    }
    return b.build();
  }

  private static Service service(ServiceUrl s) {
    Service.Builder b =
        Service.newBuilder().setUrl(s.url()).setMajorApiVersion(s.majorApiVersion()).setValidFor(range(s.validFor()));
    if (!s.operator().isEmpty()) {
      b.setOperator(s.operator());
    }
    return b.build();
  }

  private static TimeRange range(Window w) {
    TimeRange.Builder b = TimeRange.newBuilder().setStart(ts(w.start()));
    if (w.end() != null) {
      b.setEnd(ts(w.end()));
    }
    return b.build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
