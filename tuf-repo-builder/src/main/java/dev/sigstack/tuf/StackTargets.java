package dev.sigstack.tuf;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.core.trustroot.StackDescription.CertificateAuthority;
import dev.sigstack.core.trustroot.StackDescription.TransparencyLog;
import dev.sigstack.core.trustroot.StackDescription.Window;
import dev.sigstack.core.trustroot.TrustMaterial;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets built from a stack description: {@code trusted_root.json},
 * {@code signing_config.v0.2.json}, and the legacy files that older cosign and policy-controller
 * read through {@code custom.sigstore{usage,status,uri}}: {@code fulcio_v1.crt.pem} (the CA chain,
 * intermediate first), {@code rekor.pub}, {@code ctfe.pub} and {@code tsa.certchain.pem} (leaf
 * first). Further entries of a role (during a rotation) get a numeric suffix, e.g.
 * {@code rekor_2.pub}; entries whose window has ended are marked {@code Expired}.
 */
public final class StackTargets {

  /** sigstore/sigstore {@code pkg/tuf} usage kinds, as policy-controller switches on them. */
  public static final String FULCIO = "Fulcio";
  public static final String REKOR = "Rekor";
  public static final String CTFE = "CTFE";
  public static final String TSA = "TSA";

  private StackTargets() {}

  /** Every target for the stack, keyed by target name. */
  public static Map<String, Target> of(StackDescription stack, Instant now) {
    Map<String, Target> out = new LinkedHashMap<>();
    out.put(TrustMaterial.TRUSTED_ROOT_TARGET,
        new Target(TrustMaterial.json(TrustMaterial.trustedRoot(stack)), null));
    out.put(TrustMaterial.SIGNING_CONFIG_TARGET,
        new Target(TrustMaterial.json(TrustMaterial.signingConfig(stack)), null));
    authorities(out, stack.certificateAuthorities(), "fulcio_v1", ".crt.pem", FULCIO, now);
    logs(out, stack.tlogs(), "rekor", REKOR, now);
    logs(out, stack.ctlogs(), "ctfe", CTFE, now);
    authorities(out, stack.timestampAuthorities(), "tsa", ".certchain.pem", TSA, now);
    return out;
  }

  private static void authorities(Map<String, Target> out, List<CertificateAuthority> cas, String stem, String ext,
      String usage, Instant now) {
    for (int i = 0; i < cas.size(); i++) {
      CertificateAuthority ca = cas.get(i);
      StringBuilder pem = new StringBuilder();
      for (X509Certificate c : ca.chain()) {
        try {
          pem.append(pem("CERTIFICATE", c.getEncoded()));
        } catch (CertificateEncodingException e) {
          throw new IllegalArgumentException("bad certificate for " + ca.uri(), e);
        }
      }
      out.put(name(stem, ext, i), new Target(pem.toString().getBytes(StandardCharsets.US_ASCII),
          custom(usage, ca.validFor(), ca.uri(), now)));
    }
  }

  private static void logs(Map<String, Target> out, List<TransparencyLog> logs, String stem, String usage, Instant now) {
    for (int i = 0; i < logs.size(); i++) {
      TransparencyLog log = logs.get(i);
      out.put(name(stem, ".pub", i), new Target(
          pem("PUBLIC KEY", log.publicKey().getEncoded()).getBytes(StandardCharsets.US_ASCII),
          custom(usage, log.validFor(), log.baseUrl(), now)));
    }
  }

  private static String name(String stem, String ext, int i) {
    return i == 0 ? stem + ext : stem + "_" + (i + 1) + ext;
  }

  private static ObjectNode custom(String usage, Window w, String uri, Instant now) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    ObjectNode s = c.putObject("sigstore");
    s.put("usage", usage);
    s.put("status", w.end() != null && !w.end().isAfter(now) ? "Expired" : "Active");
    s.put("uri", uri);
    return c;
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
