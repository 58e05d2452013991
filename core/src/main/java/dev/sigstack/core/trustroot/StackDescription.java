package dev.sigstack.core.trustroot;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a site's stack serves and trusts: its CAs, transparency logs, CT logs and timestamp
 * authorities with their keys and validity windows, and the service URLs clients sign with. Several
 * entries per role (with adjacent windows) describe a key rotation.
 */
public record StackDescription(
    List<CertificateAuthority> certificateAuthorities,
    List<TransparencyLog> tlogs,
    List<TransparencyLog> ctlogs,
    List<CertificateAuthority> timestampAuthorities,
    List<ServiceUrl> caUrls,
    List<ServiceUrl> oidcUrls,
    List<ServiceUrl> rekorUrls,
    List<ServiceUrl> tsaUrls) {

  public StackDescription {
    certificateAuthorities = List.copyOf(certificateAuthorities);
    tlogs = List.copyOf(tlogs);
    ctlogs = List.copyOf(ctlogs);
    timestampAuthorities = List.copyOf(timestampAuthorities);
    caUrls = List.copyOf(caUrls);
    oidcUrls = List.copyOf(oidcUrls);
    rekorUrls = List.copyOf(rekorUrls);
    tsaUrls = List.copyOf(tsaUrls);
    if (certificateAuthorities.isEmpty()) {
      throw new IllegalArgumentException("a stack needs at least one certificate authority");
    }
    if (tlogs.isEmpty()) {
      throw new IllegalArgumentException("a stack needs at least one transparency log");
    }
  }

  /**
   * A validity window; {@code end} null means open-ended.
   */
  public record Window(Instant start, Instant end) {
    public Window {
      Objects.requireNonNull(start, "start");
      if (end != null && !end.isAfter(start)) {
        throw new IllegalArgumentException("window end " + end + " is not after start " + start);
      }
    }
  }

  /**
   * A certificate authority or timestamp authority.
   *
   * @param chain from the most specific certificate to the root: for a CA the intermediate first,
   *     for a TSA the leaf first
   * @param validFor when the authority issued; null takes the first certificate's notBefore
   */
  public record CertificateAuthority(String uri, List<X509Certificate> chain, Window validFor) {
    public CertificateAuthority {
      Objects.requireNonNull(uri, "uri");
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("authority " + uri + " has an empty certificate chain");
      }
      if (validFor == null) {
        validFor = new Window(chain.get(0).getNotBefore().toInstant(), null);
      }
    }
  }

  /**
   * A transparency log or CT log.
   *
   * @param logId the log ID; null takes SHA-256 of the DER public key (RFC 6962, Rekor v1)
   */
  public record TransparencyLog(String baseUrl, PublicKey publicKey, Window validFor, byte[] logId) {
    public TransparencyLog {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(publicKey, "publicKey");
      Objects.requireNonNull(validFor, "validFor");
      logId = logId == null ? null : logId.clone();
    }

    @Override
    public byte[] logId() {
      return logId == null ? null : logId.clone();
    }
  }

  /** A service endpoint in the signing config. */
  public record ServiceUrl(String url, int majorApiVersion, Window validFor, String operator) {
    public ServiceUrl {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(validFor, "validFor");
      if (majorApiVersion < 1) {
        throw new IllegalArgumentException("majorApiVersion of " + url + " must be at least 1");
      }
      operator = operator == null ? "" : operator;
    }
  }
}
