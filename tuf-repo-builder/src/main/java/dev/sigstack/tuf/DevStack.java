package dev.sigstack.tuf;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.sigstack.core.secrets.SecretFiles;

/**
 * A throw-away development stack: TUF role keys and a stack description with a self-made CA
 * chain, Rekor and CT log keys and a TSA chain, written as PEM files. For tests and the
 * launcher's embedded defaults, never for production trust.
 */
public final class DevStack {

  private DevStack() {}

  /** The files {@link #write} produced. */
  public record DevFiles(Path stackFile, Path rootKey1, Path rootKey2, Path rootKey3, Path targetsKey, Path snapshotKey,
      Path timestampKey, Path ed25519Key) {}

  /** Writes keys and a stack description into {@code dir}, services under {@code baseUrl}. */
  public static DevFiles write(Path dir, String baseUrl, Instant now) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    Instant start = now.minus(Duration.ofDays(1));
    Instant end = now.plus(Duration.ofDays(3650));
    KeyPair caRoot = ec();
    KeyPair caInter = ec();
    X509Certificate rootCert = cert("CN=sigstack dev root,O=sigstack.dev", caRoot, "CN=sigstack dev root,O=sigstack.dev",
        caRoot.getPrivate(), true, null, start, end);
    X509Certificate interCert = cert("CN=sigstack dev intermediate,O=sigstack.dev", caInter,
        "CN=sigstack dev root,O=sigstack.dev", caRoot.getPrivate(), true, null, start, end);
    pemCerts(dir.resolve("fulcio-chain.pem"), List.of(interCert, rootCert));
    KeyPair tsaRoot = ec();
    KeyPair tsaLeaf = ec();
    X509Certificate tsaRootCert = cert("CN=sigstack dev tsa root,O=sigstack.dev", tsaRoot,
        "CN=sigstack dev tsa root,O=sigstack.dev", tsaRoot.getPrivate(), true, null, start, end);
    X509Certificate tsaLeafCert = cert("CN=sigstack dev tsa,O=sigstack.dev", tsaLeaf,
        "CN=sigstack dev tsa root,O=sigstack.dev", tsaRoot.getPrivate(), false, KeyPurposeId.id_kp_timeStamping, start, end);
    pemCerts(dir.resolve("tsa-chain.pem"), List.of(tsaLeafCert, tsaRootCert));
    pemPublic(dir.resolve("rekor.pub"), ec().getPublic());
    pemPublic(dir.resolve("ctfe.pub"), ec().getPublic());
    String s = "certificateAuthorities:\n"
        + "  - uri: " + baseUrl + "/fulcio\n"
        + "    chain: fulcio-chain.pem\n"
        + "    validFor: {start: " + start + "}\n"
        + "tlogs:\n"
        + "  - baseUrl: " + baseUrl + "/rekor\n"
        + "    publicKey: rekor.pub\n"
        + "    validFor: {start: " + start + "}\n"
        + "ctlogs:\n"
        + "  - baseUrl: " + baseUrl + "/ctlog\n"
        + "    publicKey: ctfe.pub\n"
        + "    validFor: {start: " + start + "}\n"
        + "timestampAuthorities:\n"
        + "  - uri: " + baseUrl + "/tsa/api/v1/timestamp\n"
        + "    chain: tsa-chain.pem\n"
        + "    validFor: {start: " + start + "}\n"
        + "services:\n"
        + "  ca: [{url: " + baseUrl + "/fulcio, majorApiVersion: 1, validFor: {start: " + start + "}}]\n"
        + "  oidc: [{url: " + baseUrl + "/oidc, majorApiVersion: 1, validFor: {start: " + start + "}}]\n"
        + "  rekor: [{url: " + baseUrl + "/rekor, majorApiVersion: 1, validFor: {start: " + start + "}}]\n"
        + "  tsa: [{url: " + baseUrl + "/tsa/api/v1/timestamp, majorApiVersion: 1, validFor: {start: " + start + "}}]\n";
    Path stack = dir.resolve("stack.yaml");
    Files.writeString(stack, s, StandardCharsets.UTF_8);
    return new DevFiles(stack, pemPrivate(dir.resolve("root1.key"), ec().getPrivate()),
        pemPrivate(dir.resolve("root2.key"), ec().getPrivate()), pemPrivate(dir.resolve("root3.key"), ec().getPrivate()),
        pemPrivate(dir.resolve("targets.key"), ec().getPrivate()), pemPrivate(dir.resolve("snapshot.key"), ec().getPrivate()),
        pemPrivate(dir.resolve("timestamp.key"), ec().getPrivate()),
        pemPrivate(dir.resolve("ed25519.key"), KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()));
  }

  /** A new ECDSA P-256 key pair. */
  public static KeyPair ec() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A certificate for {@code subjectKey} signed by {@code issuerKey}. */
  public static X509Certificate cert(String subject, KeyPair subjectKey, String issuer, PrivateKey issuerKey,
      boolean ca, KeyPurposeId eku, Instant start, Instant end) throws GeneralSecurityException {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
          BigInteger.valueOf(System.nanoTime()), Date.from(start), Date.from(end), new X500Name(subject),
          subjectKey.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (eku != null) {
        b.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(eku));
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (OperatorCreationException | IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  static void pemCerts(Path file, List<X509Certificate> certs) throws IOException, GeneralSecurityException {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      sb.append(StackTargets.pem("CERTIFICATE", c.getEncoded()));
    }
    Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
  }

  static void pemPublic(Path file, PublicKey key) throws IOException {
    Files.writeString(file, StackTargets.pem("PUBLIC KEY", key.getEncoded()), StandardCharsets.US_ASCII);
  }

  /** Writes a PKCS#8 private key PEM, created owner-only and atomically ({@link SecretFiles}). */
  public static Path pemPrivate(Path file, PrivateKey key) throws IOException {
    SecretFiles.writeString(file, StackTargets.pem("PRIVATE KEY", key.getEncoded()));
    return file;
  }

}
