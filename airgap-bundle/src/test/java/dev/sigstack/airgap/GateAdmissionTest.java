package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.ca.CaConfig;
import dev.sigstack.ca.CaServer;
import dev.sigstack.ca.ct.CtLogClient;
import dev.sigstack.ca.ct.CtSubmissionException;
import dev.sigstack.ca.ct.HttpCtLogClient;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.Environment;
import dev.sigstack.gate.verify.PolicyEngine;
import dev.sigstack.gate.verify.ResourceContext;
import dev.sigstack.gate.verify.TrustedMaterial;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.tlog.TlogServer;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Expiries;
import dev.sigstack.tuf.Keys;
import dev.sigstack.tuf.RoleSpec;
import dev.sigstack.tuf.StackTargets;
import dev.sigstack.tuf.TufRepository;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole story of the issue: the stack (Rekor v1, the CA with its development OIDC issuer, the CT
 * log) runs in-process; its trust goes into a TUF repository; the bundle is exported, carried and
 * imported; a CI identity signs an image in a real registry (Debian's docker-registry) with a
 * certificate from the CA and a Rekor entry; and the admission gate, given only the imported
 * TrustRoot and the imported stage-2 ClusterImagePolicy, admits that image and refuses an unsigned one
 * and one signed by another identity.
 */
class GateAdmissionTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final String CI = "ci@acme.internal";

  @TempDir static Path work;
  static Process registry;
  static String registryHost;
  static TlogServer rekor;
  static TlogServer ctLog;
  static CaServer ca;
  static Path imported;
  static PolicyEngine engine;

  static final class DeferredCt implements CtLogClient {
    volatile CtLogClient delegate;

    @Override
    public Sct addPreChain(List<byte[]> chain) throws CtSubmissionException {
      return delegate.addPreChain(chain);
    }
  }

  @BeforeAll
  static void stackExportImportGate() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/docker-registry")), "/usr/bin/docker-registry is absent");
    startRegistry();

    // The stack.
    TlogServer.Config logs = TlogServer.Config.defaults(work.resolve("tlog")).withHostname("localhost");
    rekor = TlogServer.start(logs.withApi(TlogServer.Api.REKOR_V1).withPort(0)
        .withKeyFile(work.resolve("tlog/rekor-key.pem")), null);
    DeferredCt ct = new DeferredCt();
    ca = CaServer.start(CaConfig.builder(work.resolve("ca")).devIssuer(true).ctLogClient(ct).build());
    List<X509Certificate> chain = ca.chain();
    X509Certificate caRoot = chain.get(chain.size() - 1);
    ctLog = TlogServer.start(logs.withCtRoots(List.of(caRoot)).withApi(TlogServer.Api.CT)
        .withPort(0).withKeyFile(work.resolve("tlog/ct-key.pem")), null);
    ct.delegate = new HttpCtLogClient(URI.create(url(ctLog.port()) + "/"));

    // Its trust, published with TUF as the launcher does, then exported, carried and imported.
    StackDescription.Window since = new StackDescription.Window(Instant.now().minus(Duration.ofDays(1)), null);
    StackDescription stack = new StackDescription(
        List.of(new StackDescription.CertificateAuthority(url(ca.httpPort()), chain, null)),
        List.of(new StackDescription.TransparencyLog(url(rekor.port()), rekor.publicKey(), since, null)),
        List.of(new StackDescription.TransparencyLog(url(ctLog.port()), ctLog.publicKey(), since, null)),
        List.of(), List.of(new StackDescription.ServiceUrl(url(ca.httpPort()), 1, since, "acme")),
        List.of(new StackDescription.ServiceUrl(ca.devIssuerUrl(), 1, since, "acme")),
        List.of(new StackDescription.ServiceUrl(url(rekor.port()), 1, since, "acme")), List.of());
    List<TufSigner> signers = new ArrayList<>();
    Map<String, RoleSpec> roles = new LinkedHashMap<>();
    for (String role : TufRepository.ROLES) {
      TufSigner s = Keys.signer(DevStack.pemPrivate(work.resolve(role + ".pem"), DevStack.ec().getPrivate()).toString());
      signers.add(s);
      roles.put(role, new RoleSpec(List.of(s.key()), 1));
    }
    Instant now = Instant.now();
    TufRepository repo = TufRepository.init(work.resolve("repo"), roles, StackTargets.of(stack, now), signers,
        Expiries.DEFAULT, now);
    Path site = work.resolve("site.yaml");
    Files.writeString(site, """
        name: acme
        urls: {fulcio: %s, rekor: %s, tuf: http://tuf.acme.internal, oidcIssuer: %s}
        ci: {subjectRegExp: ^ci@acme\\.internal$, issuerType: email}
        images: ["%s/apps/**"]
        registry: {host: %s, cidrs: [127.0.0.1/32]}
        apiServer: {cidrs: [10.96.0.1/32]}
        stackImages: {repository: registry.acme.internal/sigstack}
        postgres: {host: pg.acme.internal, passwordSecret: sigstack-tlog-db}
        ca: {keySecret: sigstack-ca-key}
        """.formatted(url(ca.httpPort()), url(rekor.port()), ca.devIssuerUrl(), registryHost, registryHost));
    TufSigner bundleKey = Keys.signer(DevStack.pemPrivate(work.resolve("bundle.key"), DevStack.ec().getPrivate())
        .toString());
    Path carried = work.resolve("media/acme.tar.gz");
    Exporter.write(Exporter.build(repo, 1, Site.read(site), null, bundleKey, Duration.ofDays(1), now, Progress.NONE),
        carried);
    imported = work.resolve("airgapped/acme");
    Importer.importBundle(carried, imported, Verifier.Options.of(bundleKey.key(), Instant.now()), Progress.NONE);

    // The gate, from the imported files only.
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    TrustedMaterial tm = TrustRoots.read(yaml.readTree(imported.resolve(Exporter.TRUSTROOT).toFile()));
    @SuppressWarnings("unchecked")
    Map<String, String> data = (Map<String, String>) yaml.readValue(
        imported.resolve("kubernetes/stage2-enforce/config-policy-controller.yaml").toFile(), Map.class).get("data");
    GateConfig config = GateConfig.fromData(data);
    List<CompiledPolicy> policies = Policies.loadAll(Files.readString(
        imported.resolve("kubernetes/stage2-enforce/acme-keyless-ci.yaml")), config, "sigstack").stream()
        .map(l -> CompiledPolicy.compile(l.policy())).toList();
    Environment env = new Environment() {
      @Override
      public Optional<TrustedMaterial> trustRoot(String name) {
        return name == null || name.isEmpty() || name.equals(tm.name()) ? Optional.of(tm) : Optional.empty();
      }

      @Override
      public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        return Optional.empty();
      }

      @Override
      public String systemNamespace() {
        return "sigstack";
      }

      @Override
      public String version() {
        return "1";
      }
    };
    engine = new PolicyEngine(new RegistryClient(new RegistryClient.Options(Set.of(registryHost), null,
        Duration.ofSeconds(10), 4L << 20, 32L << 20)), () -> config, () -> policies, env, Clock.systemUTC(),
        Duration.ofSeconds(1));
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {ctLog, ca, rekor}) {
      if (c != null) {
        c.close();
      }
    }
    if (registry != null) {
      registry.destroy();
      if (!registry.waitFor(10, TimeUnit.SECONDS)) {
        registry.destroyForcibly();
      }
    }
  }

  @Test
  void gate_admitsTheImageTheStackSigned() throws Exception {
    String digest = pushImage("apps/web");
    signKeyless("apps/web", digest, CI);
    String image = registryHost + "/apps/web@" + digest;
    var errors = engine.validate(image, ResourceContext.pod("payments"));
    assertTrue(errors.isEmpty(), errors::toString);
  }

  @Test
  void gate_refusesAnUnsignedImage() throws Exception {
    String digest = pushImage("apps/unsigned");
    var errors = engine.validate(registryHost + "/apps/unsigned@" + digest, ResourceContext.pod("payments"));
    assertFalse(errors.isEmpty(), "an unsigned image must be refused");
    assertTrue(errors.toString().contains("signature"), errors.toString());
  }

  @Test
  void gate_refusesAnImageSignedByAnotherIdentity() throws Exception {
    String digest = pushImage("apps/intruder");
    signKeyless("apps/intruder", digest, "someone@elsewhere.example");
    var errors = engine.validate(registryHost + "/apps/intruder@" + digest, ResourceContext.pod("payments"));
    assertTrue(errors.toString().contains("none of the expected identities matched"), errors.toString());
  }

  // --- the CI's side: cosign's keyless signing, by hand ------------------------------------------

  static void signKeyless(String repo, String digest, String email) throws Exception {
    JsonNode token = JSON.readTree(get(ca.devIssuerUrl() + "/token?email="
        + URLEncoder.encode(email, StandardCharsets.UTF_8)));
    KeyPair key = DevStack.ec();
    String request = JSON.createObjectNode()
        .<ObjectNode>set("credentials", JSON.createObjectNode().put("oidcIdentityToken", token.get("id_token").asText()))
        .set("publicKeyRequest", JSON.createObjectNode()
            .put("proofOfPossession", Base64.getEncoder().encodeToString(sign(key, email.getBytes(StandardCharsets.UTF_8))))
            .set("publicKey", JSON.createObjectNode().put("algorithm", "ECDSA")
                .put("content", BundleFixture.pem("PUBLIC KEY", key.getPublic().getEncoded()))))
        .toString();
    JsonNode certs = JSON.readTree(post(url(ca.httpPort()) + "/api/v2/signingCert", request))
        .at("/signedCertificateEmbeddedSct/chain/certificates");
    String leaf = certs.get(0).asText();
    StringBuilder rest = new StringBuilder();
    for (int i = 1; i < certs.size(); i++) {
      rest.append(certs.get(i).asText());
    }

    byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + registryHost + "/" + repo
        + "\"},\"image\":{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},"
        + "\"optional\":null}").getBytes(StandardCharsets.UTF_8);
    byte[] sig = sign(key, payload);
    ObjectNode entry = JSON.createObjectNode().put("apiVersion", "0.0.1").put("kind", "hashedrekord");
    ObjectNode spec = entry.putObject("spec");
    spec.putObject("signature").put("content", Base64.getEncoder().encodeToString(sig))
        .putObject("publicKey").put("content", Base64.getEncoder().encodeToString(leaf.getBytes(StandardCharsets.US_ASCII)));
    spec.putObject("data").putObject("hash").put("algorithm", "sha256")
        .put("value", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
    JsonNode logged = JSON.readTree(post(url(rekor.port()) + "/api/v1/log/entries", entry.toString()));
    JsonNode e = logged.elements().next();
    ObjectNode bundle = JSON.createObjectNode();
    bundle.put("SignedEntryTimestamp", e.at("/verification/signedEntryTimestamp").asText());
    bundle.putObject("Payload").put("body", e.get("body").asText()).put("integratedTime", e.get("integratedTime").asLong())
        .put("logIndex", e.get("logIndex").asLong()).put("logID", e.get("logID").asText());

    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
    ann.put(SignatureLayer.ANN_CERTIFICATE, leaf);
    ann.put(SignatureLayer.ANN_CHAIN, rest.toString());
    ann.put(SignatureLayer.ANN_BUNDLE, bundle.toString());
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    ObjectNode m = manifest("application/vnd.oci.image.config.v1+json", pushBlob(repo, config), config.length);
    ObjectNode layer = ((ArrayNode) m.get("layers")).addObject();
    layer.put("mediaType", SignatureLayer.SIMPLE_SIGNING).put("digest", pushBlob(repo, payload)).put("size", payload.length);
    ObjectNode a = layer.putObject("annotations");
    ann.forEach(a::put);
    pushManifest(repo, digest.replace(':', '-') + ".sig", JSON.writeValueAsBytes(m));
  }

  static byte[] sign(KeyPair key, byte[] data) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key.getPrivate());
    s.update(data);
    return s.sign();
  }

  // --- a real registry ---------------------------------------------------------------------------

  static void startRegistry() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    registryHost = "127.0.0.1:" + port;
    Path dir = Files.createDirectories(work.resolve("registry"));
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log: {level: warn}
        storage:
          filesystem: {rootdirectory: %s}
        http:
          addr: %s
        """.formatted(dir.resolve("data"), registryHost));
    registry = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    Instant deadline = Instant.now().plusSeconds(30);
    while (true) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create("http://" + registryHost + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      assertTrue(Instant.now().isBefore(deadline) && registry.isAlive(), "the registry did not start");
      Thread.sleep(200);
    }
  }

  static String pushImage(String repo) throws Exception {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
        + "\"config\":{},\"repo\":\"" + repo + "\"}").getBytes(StandardCharsets.UTF_8);
    ObjectNode m = manifest("application/vnd.oci.image.config.v1+json", pushBlob(repo, config), config.length);
    return pushManifest(repo, "v1", JSON.writeValueAsBytes(m));
  }

  static ObjectNode manifest(String configType, String configDigest, long size) {
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    m.putObject("config").put("mediaType", configType).put("digest", configDigest).put("size", size);
    m.putArray("layers");
    return m;
  }

  static String pushBlob(String repo, byte[] blob) throws Exception {
    String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
    HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + registryHost + "/v2/" + repo
        + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(202, start.statusCode(), start.body());
    String loc = start.headers().firstValue("Location").orElseThrow();
    URI put = URI.create("http://" + registryHost).resolve(loc);
    put = URI.create(put + (put.getQuery() == null ? "?" : "&") + "digest=" + digest);
    HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, done.statusCode(), done.body());
    return digest;
  }

  static String pushManifest(String repo, String tag, byte[] manifest) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + registryHost + "/v2/" + repo
        + "/manifests/" + tag)).header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode(), r.body());
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  static String get(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r.body();
  }

  static String post(String url, String json) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, url + ": HTTP " + r.statusCode() + " " + r.body());
    return r.body();
  }
}
