package dev.sigstack.core.trustroot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.trustroot.StackDescription.CertificateAuthority;
import dev.sigstack.core.trustroot.StackDescription.ServiceUrl;
import dev.sigstack.core.trustroot.StackDescription.TransparencyLog;
import dev.sigstack.core.trustroot.StackDescription.Window;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.trustroot.v1.ServiceSelector;
import dev.sigstore.proto.trustroot.v1.SigningConfig;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TrustMaterialTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static X509Certificate cert(String subject, KeyPair key, String issuer, PrivateKey issuerKey) throws Exception {
    var b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.ONE, Date.from(T0),
        Date.from(T1.plusSeconds(86400 * 365)), new X500Name(subject), key.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static StackDescription stack(List<X509Certificate> caChain, List<TransparencyLog> tlogs) {
    Window w = new Window(T0, null);
    return new StackDescription(List.of(new CertificateAuthority("https://fulcio.internal", caChain, w)), tlogs,
        List.of(), List.of(), List.of(new ServiceUrl("https://fulcio.internal", 1, w, null)),
        List.of(new ServiceUrl("https://oidc.internal", 1, w, null)),
        List.of(new ServiceUrl("https://rekor.internal", 1, w, "sigstack")), List.of());
  }

  @Test
  void trustedRoot_caChainAndRotatedLogs_protoJsonWithLogIdsAndWindows() throws Exception {
    KeyPair root = ec();
    KeyPair inter = ec();
    var rootCert = cert("CN=root,O=example", root, "CN=root,O=example", root.getPrivate());
    var interCert = cert("CN=intermediate,O=example", inter, "CN=root,O=example", root.getPrivate());
    KeyPair oldLog = ec();
    KeyPair newLog = ec();
    var s = stack(List.of(interCert, rootCert), List.of(
        new TransparencyLog("https://rekor.internal", oldLog.getPublic(), new Window(T0, T1), null),
        new TransparencyLog("https://rekor.internal", newLog.getPublic(), new Window(T1, null), null)));

    byte[] json = TrustMaterial.json(TrustMaterial.trustedRoot(s));
    TrustedRoot.Builder back = TrustedRoot.newBuilder();
    JsonFormat.parser().merge(new String(json, StandardCharsets.UTF_8), back);

    assertEquals("application/vnd.dev.sigstore.trustedroot+json;version=0.1", back.getMediaType());
    assertEquals(2, back.getTlogsCount());
    var t0 = back.getTlogs(0);
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(oldLog.getPublic().getEncoded()),
        t0.getLogId().getKeyId().toByteArray());
    assertEquals(PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, t0.getPublicKey().getKeyDetails());
    assertEquals(T1.getEpochSecond(), t0.getPublicKey().getValidFor().getEnd().getSeconds());
    assertEquals(false, back.getTlogs(1).getPublicKey().getValidFor().hasEnd());
    var ca = back.getCertificateAuthorities(0);
    assertEquals("root", ca.getSubject().getCommonName());
    assertEquals("example", ca.getSubject().getOrganization());
    assertArrayEquals(interCert.getEncoded(), ca.getCertChain().getCertificates(0).getRawBytes().toByteArray());
    assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"baseUrl\": \"https://rekor.internal\""));
  }

  @Test
  void trustedRoot_chainRootFirst_refusedNamingTheOrder() throws Exception {
    KeyPair root = ec();
    KeyPair inter = ec();
    var rootCert = cert("CN=root", root, "CN=root", root.getPrivate());
    var interCert = cert("CN=intermediate", inter, "CN=root", root.getPrivate());
    var s = stack(List.of(rootCert, interCert),
        List.of(new TransparencyLog("https://rekor.internal", ec().getPublic(), new Window(T0, null), null)));
    var e = assertThrows(IllegalArgumentException.class, () -> TrustMaterial.trustedRoot(s));
    assertEquals("certificate authority https://fulcio.internal: certificate 0 (CN=root) is not issued by "
        + "certificate 1 (CN=intermediate); give the chain intermediate first, root last", e.getMessage());
  }

  @Test
  void signingConfig_services_v02MediaTypeAndAnySelectors() throws Exception {
    KeyPair root = ec();
    var s = stack(List.of(cert("CN=root", root, "CN=root", root.getPrivate())),
        List.of(new TransparencyLog("https://rekor.internal", ec().getPublic(), new Window(T0, null), null)));
    SigningConfig.Builder back = SigningConfig.newBuilder();
    JsonFormat.parser().merge(new String(TrustMaterial.json(TrustMaterial.signingConfig(s)), StandardCharsets.UTF_8), back);
    assertEquals("application/vnd.dev.sigstore.signingconfig.v0.2+json", back.getMediaType());
    assertEquals("https://rekor.internal", back.getRekorTlogUrls(0).getUrl());
    assertEquals("sigstack", back.getRekorTlogUrls(0).getOperator());
    assertEquals(1, back.getCaUrls(0).getMajorApiVersion());
    assertEquals(ServiceSelector.ANY, back.getRekorTlogConfig().getSelector());
    assertEquals(ServiceSelector.ANY, back.getTsaConfig().getSelector());
  }

  @Test
  void json_productionTrustedRoot_reprintsFieldForField() throws Exception {
    // Our printer against sigstore/root-signing's published trusted_root.json: same fields and
    // values after a parse/print round trip (formatting may differ; clients parse, not compare).
    String dir = System.getProperty("sigstack.vectors");
    Path p = dir == null ? null : Path.of(dir, "sigstore-conformance/production-trusted_root.json");
    Assumptions.assumeTrue(p != null && Files.isRegularFile(p), "skipped: public vectors not found");
    String upstream = Files.readString(p);
    TrustedRoot.Builder parsed = TrustedRoot.newBuilder();
    JsonFormat.parser().merge(upstream, parsed);
    String ours = new String(TrustMaterial.json(parsed), StandardCharsets.UTF_8);
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(mapper.readTree(upstream), mapper.readTree(ours));
  }
}
