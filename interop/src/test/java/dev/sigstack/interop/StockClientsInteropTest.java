package dev.sigstack.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sigstore.bundle.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stock Sigstore clients, unchanged, against the whole stack started as a user starts it ({@code sigstack-launcher.jar
 * --base-port 0}, one stack for the class; a second stack is the "untrusted CA"). Clients sign against the stack's CA,
 * Rekor v1, Rekor v2 and TSA with a token from its development issuer; every verifier (sigstore-js, @sigstore/cli,
 * sigstore-java, our {@code sigstack-cli verify-bundle}) gets its trust from the stack's TUF mirror and initial root,
 * with identity and issuer required and the default SCT and tlog thresholds. Bundles made by the signing tests are
 * verified by the later ones (ordered). sigstore-js signs first: each log's entry 0 (log index 0, tree size 1, no
 * proof hashes) trips sigstore-java 2.0.0's bundle writer, which takes those zero values for unset required fields.
 *
 * <p>sigstore-java's gRPC channel to the CA trusts the CA's gRPC TLS certificate through a PKCS#12 trust store this
 * class makes and installs as {@code javax.net.ssl.trustStore} in the (forked) test JVM before the first TLS
 * connection; the properties are restored after the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StockClientsInteropTest {
  static final String EMAIL = "ci@example.com";

  @TempDir static Path tmp;
  static StackProcess stack;
  static StackProcess other;
  static Peers.Tuf tuf;
  static Peers.Identity id;
  static Path artifact;
  static Path statement;
  static final Map<String, Path> BUNDLES = new ConcurrentHashMap<>();
  private static final Map<String, String> SAVED = new ConcurrentHashMap<>();

  @BeforeAll
  static void startStacks() throws Exception {
    StackProcess.launcherJar();
    StackProcess.cliJar();
    CompletableFuture<StackProcess> b = CompletableFuture.supplyAsync(() -> {
      try {
        return StackProcess.start(tmp.resolve("untrusted-stack"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      stack = StackProcess.start(tmp.resolve("stack"));
    } finally {
      other = b.join();
    }
    tuf = new Peers.Tuf(stack.tufMirror, stack.tufRoot);
    id = new Peers.Identity(EMAIL, stack.issuer);
    Path trustStore = stack.trustStore(tmp.resolve("grpc-trust.p12"));
    for (var e : Map.of("javax.net.ssl.trustStore", trustStore.toString(), "javax.net.ssl.trustStoreType", "PKCS12",
        "javax.net.ssl.trustStorePassword", "changeit").entrySet()) {
      String old = System.getProperty(e.getKey());
      SAVED.put(e.getKey(), old == null ? "" : old);
      System.setProperty(e.getKey(), e.getValue());
    }
    artifact = Files.writeString(tmp.resolve("artifact.txt"), "built by CI " + Instant.now() + "\n");
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(artifact)));
    statement = Files.writeString(tmp.resolve("statement.json"),
        "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"artifact.txt\",\"digest\":{\"sha256\":\""
            + digest + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{\"buildDefinition\":"
            + "{\"buildType\":\"https://sigstack.dev/ci\"},\"runDetails\":{\"builder\":{\"id\":\"https://ci.internal\"}}}}");
  }

  @AfterAll
  static void stopStacks() throws Exception {
    AssertionError leaked = null;
    if (stack != null) {
      try {
        // the keys, passwords and tokens this run used appear nowhere in what the stack logged
        int checked = stack.assertNoSecretsLogged();
        assertTrue(checked > 10, "tokens and key files were checked: " + checked);
      } catch (AssertionError e) {
        leaked = e;
      }
    }
    SAVED.forEach((k, v) -> {
      if (v.isEmpty()) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
    if (stack != null) {
      stack.close();
    }
    if (other != null) {
      other.close();
    }
    if (leaked != null) {
      throw leaked;
    }
  }

  private static Path bundle(String name) {
    Path p = BUNDLES.get(name);
    assertTrue(p != null && Files.isRegularFile(p), "no bundle \"" + name + "\": its signing test failed");
    return p;
  }

  private static void signedOk(String name, Sigstack.Result r, Path out) {
    assertEquals(0, r.exit(), () -> name + " failed:\n" + r.err() + r.out());
    assertTrue(Files.isRegularFile(out), name + " wrote no bundle");
    BUNDLES.put(name, out);
  }

  // ---- signing: each client against our CA, logs and TSA, token from our issuer ----

  @Test
  @Order(1)
  void sigstoreJs_signBlobRekorV1_bundleWithHashedRekord() throws Exception {
    Peers.requireNode();
    Path out = tmp.resolve("js-sign-v1.json");
    signedOk("sigstore-js sign, Rekor v1", Peers.sigstoreJsSign(stack, stack.token(EMAIL), "sign", artifact, out), out);
    JsonObject entry = tlogEntry(out);
    assertEquals("hashedrekord", entry.getAsJsonObject("kindVersion").get("kind").getAsString());
    assertTrue(entry.has("inclusionPromise") && entry.has("inclusionProof"), entry.toString());
  }

  @Test
  @Order(1)
  void sigstoreJs_attestStatementRekorV1_bundleWithDsseEntry() throws Exception {
    Peers.requireNode();
    Path out = tmp.resolve("js-attest-v1.json");
    signedOk("sigstore-js attest, Rekor v1", Peers.sigstoreJsSign(stack, stack.token(EMAIL), "attest", statement, out),
        out);
    assertEquals("dsse", tlogEntry(out).getAsJsonObject("kindVersion").get("kind").getAsString());
  }

  @Test
  @Order(1)
  void sigstoreJs_signBlobRekorV2WithTsa_bundleWithTimestamp() throws Exception {
    Peers.requireNode();
    Path out = tmp.resolve("js-sign-v2.json");
    signedOk("sigstore-js sign, Rekor v2 + TSA", Peers.sigstoreJsSign(stack, stack.token(EMAIL), "sign-v2", artifact,
        out), out);
    JsonObject b = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    JsonObject entry = tlogEntry(out);
    assertEquals("0.0.2", entry.getAsJsonObject("kindVersion").get("version").getAsString());
    assertTrue(b.getAsJsonObject("verificationMaterial").has("timestampVerificationData"), b.toString());
  }

  /**
   * sigstore-js 4.1.1 still uploads DSSE to Rekor v2 as a {@code dsseRequestV002}; rekor-tiles dropped that kind
   * (sigstore/rekor-tiles#744) and so do we: the client gets rekor-tiles' answer, a 400 naming hashedrekord.
   */
  @Test
  @Order(1)
  void sigstoreJs_attestRekorV2_refusedAsRekorTilesDoes() throws Exception {
    Peers.requireNode();
    Sigstack.Result r = Peers.sigstoreJsSign(stack, stack.token(EMAIL), "attest-v2", statement,
        tmp.resolve("js-attest-v2.json"));
    assertNotEquals(0, r.exit(), r.out());
    assertTrue(r.err().contains("(400) invalid type, must be hashedrekord"), r.err());
  }

  @Test
  @Order(1)
  void sigstoreCli_attest_bundleWithIntotoEntry() throws Exception {
    Peers.requireNode();
    Path out = tmp.resolve("cli-attest.json");
    signedOk("@sigstore/cli attest", Peers.sigstoreCliAttest(stack, stack.token(EMAIL), statement, out), out);
    // @sigstore/cli 0.8.1 asks its RekorWitness for the older intoto kind (entryType: 'intoto')
    assertEquals("intoto", tlogEntry(out).getAsJsonObject("kindVersion").get("kind").getAsString());
  }

  @Test
  @Order(2)
  void sigstoreJava_keylessSignerFromTuf_signsOverGrpcTls() throws Exception {
    Bundle b = Peers.sigstoreJavaSign(tuf, stack.token(EMAIL), artifact, false);
    Path out = Files.writeString(tmp.resolve("java-sign.json"), b.toJson());
    BUNDLES.put("sigstore-java sign", out);
    assertEquals(1, b.getEntries().size());
  }

  @Test
  @Order(2)
  void sigstoreJava_keylessSignerRekorV2_signsWithTimestamp() throws Exception {
    Bundle b = Peers.sigstoreJavaSign(tuf, stack.token(EMAIL), artifact, true);
    Path out = Files.writeString(tmp.resolve("java-sign-v2.json"), b.toJson());
    BUNDLES.put("sigstore-java sign, Rekor v2", out);
    assertEquals(1, b.getTimestamps().size(), b.toJson());
  }

  /**
   * sigstore-java 2.0.0 attests only with Rekor v2, and uploads the DSSE envelope as a {@code dsseRequestV002}: refused
   * with rekor-tiles' 400 since it dropped that kind (sigstore/rekor-tiles#744), as sigstore-js's attest on v2 above.
   */
  @Test
  @Order(2)
  void sigstoreJava_attestRekorV2_refusedAsRekorTilesDoes() throws Exception {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> Peers.sigstoreJavaAttest(tuf, stack.token(EMAIL), Files.readString(statement)));
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t).append('\n');
    }
    assertTrue(chain.toString().contains("400") && chain.toString().contains("must be hashedrekord"), chain.toString());
  }

  @Test
  @Order(1)
  void sigstoreJs_certificateFromAnotherStacksCa_bundleForTheUntrustedCaCase() throws Exception {
    Peers.requireNode();
    // certificate (and its SCT) from the other stack's CA, entry in our trusted Rekor v1: only the CA is untrusted
    Path out = tmp.resolve("untrusted-ca.json");
    signedOk("sigstore-js sign on another stack", Peers.sigstoreJsSign(other.caUrl, stack, other.token(EMAIL), "sign",
        artifact, out), out);
  }

  /** What a new user does: run the example the launcher printed, with @sigstore/cli on the PATH. */
  @Test
  @Order(1)
  void launcherBanner_printedExample_runsAsPrinted() throws Exception {
    Peers.requireNode();
    List<String> lines = stack.log().lines().toList();
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("Attest and verify with sigstore-js")) {
        start = i + 1;
      }
    }
    assertTrue(start > 0, "the launcher printed no example:\n" + stack.log());
    List<String> example = new ArrayList<>();
    for (int i = start; i < lines.size() && lines.get(i).startsWith("  "); i++) {
      example.add(lines.get(i).strip());
    }
    Path dir = Files.createDirectories(tmp.resolve("new-user"));
    ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", String.join("\n", example))
        .directory(dir.toFile());
    pb.environment().put("PATH", Peers.interopDir().resolve("node_modules/.bin") + ":" + System.getenv("PATH"));
    Sigstack.Result r = Peers.run(pb, Duration.ofMinutes(2));
    assertEquals(0, r.exit(), () -> "the printed example failed:\n" + String.join("\n", example) + "\n" + r.err()
        + r.out());
    assertTrue(r.err().contains("Verification succeeded"), r.err());
  }

  // ---- verification: every verifier on every client's bundle ----

  interface Verifier {
    Sigstack.Result verify(Peers.Tuf tuf, Peers.Identity id, Path bundle, Path artifact) throws Exception;
  }

  static final Map<String, Verifier> VERIFIERS = Map.of(
      "sigstore-js verify", (t, i, b, a) -> {
        Peers.requireNode();
        return Peers.sigstoreJsVerify(t, i, b, isDsse(b) ? null : a);
      },
      "@sigstore/cli verify", (t, i, b, a) -> {
        Peers.requireNode();
        return Peers.sigstoreCliVerify(t, i, b, isDsse(b) ? null : a);
      },
      "sigstore-java KeylessVerifier", Peers::sigstoreJavaVerify,
      "sigstack-cli verify-bundle", Peers::sigstackVerify);

  static final List<String> SIGNED = List.of("sigstore-js sign, Rekor v1", "sigstore-js attest, Rekor v1",
      "sigstore-js sign, Rekor v2 + TSA", "@sigstore/cli attest", "sigstore-java sign", "sigstore-java sign, Rekor v2");

  static Stream<Arguments> everyBundleEveryVerifier() {
    List<Arguments> a = new ArrayList<>();
    for (String b : SIGNED) {
      for (String v : List.of("sigstore-js verify", "@sigstore/cli verify", "sigstore-java KeylessVerifier",
          "sigstack-cli verify-bundle")) {
        // two client limits, each pinned by its own test below
        if (!(b.contains("Rekor v2") && v.startsWith("@sigstore/cli"))
            && !(b.startsWith("@sigstore/cli") && v.startsWith("sigstore-java"))) {
          a.add(Arguments.of(b, v));
        }
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{1} accepts the bundle of {0}")
  @MethodSource("everyBundleEveryVerifier")
  @Order(3)
  void verify_bundleFromStockClient_accepted(String bundleName, String verifierName) throws Exception {
    Sigstack.Result r = VERIFIERS.get(verifierName).verify(tuf, id, bundle(bundleName), artifact);
    assertEquals(0, r.exit(), () -> verifierName + " refused the bundle of " + bundleName + ":\n" + r.err() + r.out());
  }

  /**
   * @sigstore/cli 0.8.1 verifies with sigstore 3 (@sigstore/verify 2), which picks the tlogs valid at the entry's
   * integratedTime; Rekor v2 entries carry none (0, as rekor-tiles' do), so it finds no log for the checkpoint. The
   * same bundle passes sigstore-js 4 above: a limit of that client version, not of our log.
   */
  @Test
  @Order(3)
  void sigstoreCliVerify_rekorV2Bundle_refusedForWantOfIntegratedTime() throws Exception {
    Peers.requireNode();
    Sigstack.Result r = Peers.sigstoreCliVerify(tuf, id, bundle("sigstore-js sign, Rekor v2 + TSA"), artifact);
    assertNotEquals(0, r.exit(), r.out());
    assertTrue(r.err().contains("invalid checkpoint signature"), r.err());
    assertEquals("0", tlogEntry(bundle("sigstore-js sign, Rekor v2 + TSA")).has("integratedTime")
        ? tlogEntry(bundle("sigstore-js sign, Rekor v2 + TSA")).get("integratedTime").getAsString() : "0");
  }

  /**
   * sigstore-java 2.0.0 verifies a DSSE bundle only with a {@code dsse} tlog entry; @sigstore/cli 0.8.1 logs its
   * attestations as {@code intoto} 0.0.2 (which sigstore-js and our verifier accept above). A client pairing limit.
   */
  @Test
  @Order(3)
  void sigstoreJavaVerify_intotoEntryFromSigstoreCli_refusedAsUnsupportedKind() throws Exception {
    Sigstack.Result r = Peers.sigstoreJavaVerify(tuf, id, bundle("@sigstore/cli attest"), artifact);
    assertNotEquals(0, r.exit(), r.out());
    assertTrue(r.err().contains("Expecting type dsse:0.0.2, but found intoto:0.0.2"), r.err());
  }

  // ---- refusals: each must fail in every peer ----

  /** A case: what the verifier is given instead of the good bundle, artifact, identity or trust. */
  record Refusal(String name, Consumer<JsonObject> tamper, boolean otherArtifact, Peers.Identity identity,
      boolean untrustedCa) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> refusals() {
    List<Refusal> cases = List.of(
        new Refusal("wrong identity", null, false, new Peers.Identity("mallory@example.com", null), false),
        new Refusal("wrong issuer", null, false, new Peers.Identity(EMAIL, "https://accounts.google.com"), false),
        new Refusal("tampered artifact", null, true, null, false),
        new Refusal("tampered signature", b -> flip(b.getAsJsonObject("messageSignature"), "signature"), false, null,
            false),
        new Refusal("tampered inclusion proof", b -> {
          JsonObject proof = entry(b).getAsJsonObject("inclusionProof");
          JsonArray hashes = proof.getAsJsonArray("hashes");
          if (hashes != null && !hashes.isEmpty()) {
            hashes.set(0, new com.google.gson.JsonPrimitive(flipped(hashes.get(0).getAsString())));
          } else {
            flip(proof, "rootHash");
          }
        }, false, null, false),
        new Refusal("tampered SET", b -> flip(entry(b).getAsJsonObject("inclusionPromise"), "signedEntryTimestamp"),
            false, null, false),
        new Refusal("tampered checkpoint signature", b -> {
          JsonObject cp = entry(b).getAsJsonObject("inclusionProof").getAsJsonObject("checkpoint");
          String env = cp.get("envelope").getAsString();
          int line = env.lastIndexOf('\u2014');
          int sig = env.indexOf(' ', env.indexOf(' ', line) + 1) + 1;
          String sigB64 = env.substring(sig, env.indexOf('\n', sig));
          cp.addProperty("envelope", env.substring(0, sig) + flipped(sigB64) + env.substring(sig + sigB64.length()));
        }, false, null, false),
        new Refusal("certificate from an untrusted CA", null, false, null, true));
    List<Arguments> a = new ArrayList<>();
    for (Refusal c : cases) {
      for (String v : List.of("sigstore-js verify", "sigstore-java KeylessVerifier", "sigstack-cli verify-bundle")) {
        a.add(Arguments.of(c, v));
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{1} refuses: {0}")
  @MethodSource("refusals")
  @Order(4)
  void verify_badInput_refused(Refusal c, String verifierName) throws Exception {
    Path good = bundle(c.untrustedCa() ? "sigstore-js sign on another stack" : "sigstore-js sign, Rekor v1");
    Path b = good;
    if (c.tamper() != null) {
      JsonObject json = JsonParser.parseString(Files.readString(good)).getAsJsonObject();
      c.tamper().accept(json);
      b = Files.writeString(Files.createTempFile(tmp, "tampered", ".json"), json.toString());
    }
    Path a = c.otherArtifact()
        ? Files.writeString(Files.createTempFile(tmp, "other", ".txt"), "not what was signed\n") : artifact;
    // the untrusted case asks for exactly the identity and issuer in that certificate: only its CA is wrong
    Peers.Identity who = c.untrustedCa() ? new Peers.Identity(EMAIL, other.issuer) : c.identity() == null ? id
        : new Peers.Identity(c.identity().san(), c.identity().issuer() == null ? stack.issuer : c.identity().issuer());
    Sigstack.Result r = VERIFIERS.get(verifierName).verify(tuf, who, b, a);
    assertNotEquals(0, r.exit(), verifierName + " accepted: " + c.name() + "\n" + r.out());
    assertTrue(!r.err().isBlank(), verifierName + " gave no reason");
    System.out.println("refusal | " + c.name() + " | " + verifierName + " | " + reason(r.err()));
  }

  /** The stack's TUF repository copied, its timestamp.json re-signed to have expired a day ago, then served. */
  @ParameterizedTest(name = "{0} refuses an expired TUF timestamp")
  @MethodSource("threeVerifiers")
  @Order(4)
  void verify_expiredTufTimestamp_refused(String verifierName) throws Exception {
    Path copy = tmp.resolve("expired-" + verifierName.replaceAll("\\W", ""));
    copyTree(stack.dataDir.resolve("tuf/repository"), copy);
    Sigstack.ok("refresh", "--repo", copy.toString(), "--timestamp-only",
        "--key", stack.dataDir.resolve("tuf/keys/timestamp.pem").toString(),
        "--time", Instant.now().minus(Duration.ofDays(2)).toString(), "--timestamp-expires", "1d");
    try (Sigstack.Server s = new Sigstack.Server(copy)) {
      Peers.Tuf expired = new Peers.Tuf(s.url.toString(), copy.resolve("1.root.json"));
      Sigstack.Result r = VERIFIERS.get(verifierName).verify(expired, id, bundle("sigstore-js sign, Rekor v1"),
          artifact);
      assertNotEquals(0, r.exit(), verifierName + " accepted a bundle with an expired TUF timestamp\n" + r.out());
      assertTrue(r.err().toLowerCase(java.util.Locale.ROOT).contains("expire"), r.err());
      System.out.println("refusal | expired TUF timestamp | " + verifierName + " | " + reason(r.err()));
    }
  }

  static Stream<String> threeVerifiers() {
    return Stream.of("sigstore-js verify", "sigstore-java KeylessVerifier", "sigstack-cli verify-bundle");
  }

  // ---- helpers ----

  /** The most telling line of a refusal: the deepest cause, else the first line. */
  private static String reason(String err) {
    List<String> lines = err.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("at ") && !l.startsWith("WARNING:")).toList();
    String cause = null;
    for (String l : lines) {
      if (l.startsWith("caused by:")) {
        cause = l;
      }
    }
    return cause != null ? cause : lines.isEmpty() ? "" : lines.get(0);
  }

  private static JsonObject tlogEntry(Path bundle) throws Exception {
    return entry(JsonParser.parseString(Files.readString(bundle)).getAsJsonObject());
  }

  private static JsonObject entry(JsonObject bundle) {
    return bundle.getAsJsonObject("verificationMaterial").getAsJsonArray("tlogEntries").get(0).getAsJsonObject();
  }

  private static boolean isDsse(Path bundle) throws Exception {
    return JsonParser.parseString(Files.readString(bundle)).getAsJsonObject().has("dsseEnvelope");
  }

  private static void flip(JsonObject o, String field) {
    o.addProperty(field, flipped(o.get(field).getAsString()));
  }

  private static String flipped(String base64) {
    byte[] b = Base64.getDecoder().decode(base64);
    b[b.length / 2] ^= 0x01;
    return Base64.getEncoder().encodeToString(b);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
