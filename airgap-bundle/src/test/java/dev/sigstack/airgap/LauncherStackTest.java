package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.gate.verify.TrustedMaterial;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Keys;
import dev.sigstack.tuf.TufRepository;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round trip from the real stack: {@code sigstack run} (the launcher: Rekor, CT log, CA with its
 * development OIDC issuer, TUF mirror) runs as a subprocess; its TUF repository is exported, the
 * bundle is carried, verified and imported in a fresh directory; then the running CA issues a
 * signing certificate, and the imported trust material alone validates its chain and its embedded
 * SCT.
 */
class LauncherStackTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir static Path work;
  static Process stack;
  static JsonNode services;
  static Path imported;

  @BeforeAll
  static void runStackExportCarryImport() throws Exception {
    Path data = work.resolve("stack-data");
    String java = ProcessHandle.current().info().command().orElse("java");
    stack = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.sigstack.launcher.Main",
        "--data-dir", data.toString(), "--host", "127.0.0.1", "--base-port", "0")
        .redirectErrorStream(true).redirectOutput(work.resolve("stack.log").toFile()).start();
    Path stackJson = data.resolve("stack.json");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (!Files.exists(stackJson)) {
      assertTrue(stack.isAlive(), "the stack exited: " + Files.readString(work.resolve("stack.log")));
      assertTrue(Instant.now().isBefore(deadline), "the stack did not start in 3 minutes");
      Thread.sleep(250);
    }
    services = JSON.readTree(stackJson.toFile()).get("services");

    Path site = work.resolve("site.yaml");
    Files.writeString(site, """
        name: lab
        urls:
          fulcio: %s
          rekor: %s
          tuf: %s
          oidcIssuer: %s
        ci: {subjectRegExp: ^ci@acme\\.internal$, issuerType: email}
        images: ["registry.acme.internal/apps/**"]
        registry: {host: registry.acme.internal, cidrs: [10.20.0.10/32]}
        apiServer: {cidrs: [10.96.0.1/32]}
        stackImages: {repository: registry.acme.internal/sigstack}
        postgres: {host: pg.acme.internal, passwordSecret: sigstack-tlog-db}
        ca: {keySecret: sigstack-ca-key}
        """.formatted(services.at("/ca/url").asText(), services.at("/rekor/url").asText(),
        services.at("/tuf/mirror").asText(), services.at("/oidc/issuer").asText()));
    KeyPair bundleKey = DevStack.ec();
    TufSigner signer = Keys.signer(DevStack.pemPrivate(work.resolve("bundle.key"), bundleKey.getPrivate()).toString());
    Exporter.Result bundle = Exporter.build(TufRepository.open(data.resolve("tuf/repository")), 1, Site.read(site),
        null, signer, Duration.ofDays(1), Instant.now(), Progress.NONE);
    Path carried = work.resolve("media/lab.tar.gz");
    Exporter.write(bundle, carried);

    imported = work.resolve("airgapped/lab");
    Importer.importBundle(carried, imported, Verifier.Options.of(signer.key(), Instant.now()), Progress.NONE);
  }

  @AfterAll
  static void stopStack() throws Exception {
    if (stack != null) {
      stack.destroy();
      if (!stack.waitFor(20, TimeUnit.SECONDS)) {
        stack.destroyForcibly();
      }
    }
  }

  @Test
  void importedTrust_validatesACertificateTheRunningCaIssues() throws Exception {
    TrustedRoot.Builder tr = TrustedRoot.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(imported.resolve(Exporter.TRUSTED_ROOT)), tr);
    assertEquals(services.at("/ca/url").asText(), tr.getCertificateAuthorities(0).getUri());

    // A token from the stack's development issuer, a key, and the CA's certificate for it.
    String email = "ci@acme.internal";
    String issuer = services.at("/oidc/issuer").asText();
    JsonNode token = JSON.readTree(get(issuer + "/token?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)));
    KeyPair key = DevStack.ec();
    Signature pop = Signature.getInstance("SHA256withECDSA");
    pop.initSign(key.getPrivate());
    pop.update(email.getBytes(StandardCharsets.UTF_8));
    String request = JSON.createObjectNode()
        .<com.fasterxml.jackson.databind.node.ObjectNode>set("credentials",
            JSON.createObjectNode().put("oidcIdentityToken", token.get("id_token").asText()))
        .set("publicKeyRequest", JSON.createObjectNode()
            .put("proofOfPossession", Base64.getEncoder().encodeToString(pop.sign()))
            .set("publicKey", JSON.createObjectNode().put("algorithm", "ECDSA")
                .put("content", BundleFixture.pem("PUBLIC KEY", key.getPublic().getEncoded()))))
        .toString();
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(services.at("/ca/url").asText()
        + "/api/v2/signingCert")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), "the running CA could not issue: " + res.body());
    List<X509Certificate> chain = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (JsonNode pem : JSON.readTree(res.body()).at("/signedCertificateEmbeddedSct/chain/certificates")) {
      chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
          pem.asText().getBytes(StandardCharsets.US_ASCII))));
    }
    X509Certificate leaf = chain.get(0);
    assertEquals(key.getPublic(), leaf.getPublicKey());

    // Only the imported trusted root: its CA chain anchors the leaf, its CT log key checks the SCT.
    var importedChain = tr.getCertificateAuthorities(0).getCertChain().getCertificatesList();
    List<X509Certificate> trusted = new ArrayList<>();
    for (var c : importedChain) {
      trusted.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.getRawBytes().toByteArray())));
    }
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(trusted.get(trusted.size() - 1), null)));
    params.setRevocationEnabled(false);
    params.setDate(leaf.getNotBefore());
    List<X509Certificate> path = new ArrayList<>(List.of(leaf));
    path.addAll(trusted.subList(0, trusted.size() - 1));
    CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);

    PublicKey ctKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
        tr.getCtlogs(0).getPublicKey().getRawBytes().toByteArray()));
    SctVerifier.verifyEmbedded(new X509CertificateHolder(leaf.getEncoded()),
        new X509CertificateHolder(trusted.get(0).getEncoded()), ctKey);
    PublicKey otherKey = DevStack.ec().getPublic();
    assertThrows(Exception.class, () -> SctVerifier.verifyEmbedded(new X509CertificateHolder(leaf.getEncoded()),
        new X509CertificateHolder(trusted.get(0).getEncoded()), otherKey));
  }

  @Test
  void importedTrust_caChainIsTheRunningCasRootCert() throws Exception {
    TrustedRoot.Builder tr = TrustedRoot.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(imported.resolve(Exporter.TRUSTED_ROOT)), tr);
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> served = new ArrayList<>();
    for (var c : cf.generateCertificates(new ByteArrayInputStream(
        get(services.at("/ca/url").asText() + "/api/v1/rootCert").getBytes(StandardCharsets.US_ASCII)))) {
      served.add((X509Certificate) c);
    }
    List<X509Certificate> trusted = new ArrayList<>();
    for (var c : tr.getCertificateAuthorities(0).getCertChain().getCertificatesList()) {
      trusted.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(c.getRawBytes().toByteArray())));
    }
    assertEquals(served, trusted);
    assertEquals(Files.readString(imported.resolve(Exporter.CA_CHAIN)).strip().lines().filter(l -> l.startsWith("-----BEGIN"))
        .count(), trusted.size());
  }

  @Test
  void gate_readsTheImportedTrustRootAsTheRunningStacksMaterial() throws Exception {
    JsonNode doc = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(imported.resolve(Exporter.TRUSTROOT).toFile());
    TrustedMaterial tm = TrustRoots.read(doc);
    assertEquals("lab", tm.name());
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> served = new ArrayList<>();
    for (var c : cf.generateCertificates(new ByteArrayInputStream(
        get(services.at("/ca/url").asText() + "/api/v1/rootCert").getBytes(StandardCharsets.US_ASCII)))) {
      served.add((X509Certificate) c);
    }
    assertTrue(tm.caCertificates().containsAll(served), "the gate trusts the running CA's chain");
    String rekorPem = get(services.at("/rekor/url").asText() + "/api/v1/log/publicKey");
    PublicKey rekorKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder()
        .decode(rekorPem.replaceAll("-----[A-Z ]+-----", "").strip())));
    assertTrue(tm.tlogKeys().contains(rekorKey), "the gate trusts the running Rekor's key");
    assertEquals(1, tm.ctlogKeys().size());
  }

  @Test
  void importedBundle_carriesTheRunningStacksUrlsAndKeys() throws Exception {
    String commands = Files.readString(imported.resolve(Exporter.COMMANDS));
    assertTrue(commands.contains("--fulcio-url " + services.at("/ca/url").asText()), commands);
    assertTrue(commands.contains("--rekor-url " + services.at("/rekor/url").asText()), commands);
    assertTrue(Files.readString(imported.resolve(Exporter.TRUSTROOT)).contains("name: lab"));
    assertEquals(Files.readString(imported.resolve(Exporter.TUF_ROOT)),
        get(services.at("/tuf/mirror").asText() + "/1.root.json"), "the imported root is the stack's");
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }
}
