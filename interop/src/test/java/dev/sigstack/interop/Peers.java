package dev.sigstack.interop;

import dev.sigstore.AlgorithmRegistry;
import dev.sigstore.KeylessSigner;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.SigningConfigProvider;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.oidc.client.OidcClients;
import dev.sigstore.oidc.client.TokenStringOidcClient;
import dev.sigstore.strings.StringMatcher;
import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SigstoreTufClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The stock clients, each called the way a user calls it: sigstore-js and @sigstore/cli through Node (scripts in
 * {@code interop/js}, packages in {@code interop/node_modules}), sigstore-java in this JVM, our verifier as
 * {@code java -jar cli/target/sigstack-cli.jar}. A verification answers a {@link Sigstack.Result}: exit 0 is
 * success, anything else a refusal with its reason in {@code err}.
 */
final class Peers {
  private Peers() {}

  /** The peers' TUF caches, one fresh folder per verification, all under one folder removed when the JVM exits. */
  private static final Path CACHES = caches();

  private static Path caches() {
    try {
      Path dir = Files.createTempDirectory("sigstack-interop-tuf");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path tufCache(String client) throws IOException {
    return Files.createTempDirectory(CACHES, client);
  }

  // core's test Trees is not on this classpath: sigstore-java brings its own dev.sigstore.proto classes
  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not remove " + dir + ": " + e);
    }
  }

  /** Where a verifier gets its trust: a TUF mirror and its initial root.json. */
  record Tuf(String mirror, Path root) {}

  /** The identity a verification requires. */
  record Identity(String san, String issuer) {}

  static Path interopDir() {
    return Path.of(System.getProperty("sigstack.interopDir", ".")).toAbsolutePath();
  }

  static void requireNode() {
    Assumptions.assumeTrue(Files.isDirectory(interopDir().resolve("node_modules/sigstore"))
            && Files.isDirectory(interopDir().resolve("node_modules/@sigstore/cli")),
        "skipped: interop/node_modules has no sigstore or @sigstore/cli; run npm install in interop/ (./sigstack test does)");
  }

  private static Sigstack.Result node(Map<String, String> env, List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(interopDir().toFile());
    pb.environment().putAll(env);
    return run(pb, Duration.ofMinutes(2));
  }

  static Sigstack.Result run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
    Path out = Files.createTempFile("peer-out", ".txt");
    Path err = Files.createTempFile("peer-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + pb.command());
    }
    Sigstack.Result r = new Sigstack.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** sigstore-js: {@code mode} is sign, attest (Rekor v1) or sign-v2, attest-v2 (Rekor v2 and the TSA). */
  static Sigstack.Result sigstoreJsSign(StackProcess s, String token, String mode, Path file, Path out)
      throws IOException, InterruptedException {
    return sigstoreJsSign(s.caUrl, s, token, mode, file, out);
  }

  /** As above with the certificate from another CA ({@code caUrl}) and everything else from {@code s}. */
  static Sigstack.Result sigstoreJsSign(String caUrl, StackProcess s, String token, String mode, Path file, Path out)
      throws IOException, InterruptedException {
    return node(Map.of("SIGSTACK_FULCIO_URL", caUrl, "SIGSTACK_REKOR_URL", s.rekorV1Url,
            "SIGSTACK_REKOR_V2_URL", s.rekorV2Url, "SIGSTACK_TSA_URL", s.caUrl, "SIGSTACK_TOKEN", token),
        List.of("js/sigstore-js.js", mode, file.toString(), out.toString()));
  }

  /** sigstore-js {@code verify} with tufMirrorURL, tufRootPath, identity and issuer, default thresholds. */
  static Sigstack.Result sigstoreJsVerify(Tuf tuf, Identity id, Path bundle, Path artifact)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("js/sigstore-js.js", "verify", bundle.toString()));
    if (artifact != null) {
      args.add(artifact.toString());
    }
    return node(Map.of("SIGSTACK_TUF_URL", tuf.mirror(), "SIGSTACK_TUF_ROOT", tuf.root().toString(),
        "SIGSTACK_TUF_CACHE", tufCache("sigstore-js").toString(),
        "SIGSTACK_IDENTITY", id.san(), "SIGSTACK_ISSUER", id.issuer()), args);
  }

  private static String sigstoreCli() {
    return interopDir().resolve("node_modules/@sigstore/cli/bin/run").toString();
  }

  /** {@code sigstore attest FILE} (@sigstore/cli): in CI mode it reads the token from SIGSTORE_ID_TOKEN. */
  static Sigstack.Result sigstoreCliAttest(StackProcess s, String token, Path statement, Path out)
      throws IOException, InterruptedException {
    return node(Map.of("CI", "true", "SIGSTORE_ID_TOKEN", token),
        List.of(sigstoreCli(), "attest", statement.toString(), "--fulcio-url", s.caUrl, "--rekor-url", s.rekorV1Url,
            "--output-file", out.toString(), "--timeout", "30"));
  }

  /** {@code sigstore verify BUNDLE} (@sigstore/cli) with the TUF repository and the identity. */
  static Sigstack.Result sigstoreCliVerify(Tuf tuf, Identity id, Path bundle, Path artifact)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(sigstoreCli(), "verify", bundle.toString(),
        "--tuf-mirror-url", tuf.mirror(), "--tuf-root-path", tuf.root().toString(),
        "--tuf-cache-path", tufCache("sigstore-cli").toString(),
        "--certificate-issuer", id.issuer(),
        id.san().contains(":") ? "--certificate-identity-uri" : "--certificate-identity-email", id.san()));
    if (artifact != null) {
      args.addAll(List.of("--blob-file", artifact.toString()));
    }
    return node(Map.of(), args);
  }

  private static SigstoreTufClient.Builder tufClient(Tuf tuf) throws IOException {
    return SigstoreTufClient.builder()
        .tufMirror(URI.create(tuf.mirror() + "/"), RootProvider.fromFile(tuf.root()))
        .tufCacheLocation(tufCache("sigstore-java"));
  }

  /** sigstore-java {@code KeylessSigner}: signing config and trusted root from the TUF repository. */
  static Bundle sigstoreJavaSign(Tuf tuf, String token, Path artifact, boolean rekorV2) throws Exception {
    try (KeylessSigner signer = KeylessSigner.builder()
        .trustedRootProvider(TrustedRootProvider.from(tufClient(tuf)))
        .signingConfigProvider(SigningConfigProvider.from(tufClient(tuf)))
        .enableRekorV2(rekorV2)
        .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256)
        .minSigningCertificateLifetime(KeylessSigner.DEFAULT_MIN_SIGNING_CERTIFICATE_LIFETIME)
        .forceCredentialProviders(OidcClients.of(TokenStringOidcClient.from(token)))
        .build()) {
      return signer.signFile(artifact); // sign(byte[]) takes a digest, not the artifact
    }
  }

  /** sigstore-java {@code KeylessSigner.attest}: a DSSE in-toto statement (2.0.0 attests only with Rekor v2). */
  static Bundle sigstoreJavaAttest(Tuf tuf, String token, String statement) throws Exception {
    try (KeylessSigner signer = KeylessSigner.builder()
        .trustedRootProvider(TrustedRootProvider.from(tufClient(tuf)))
        .signingConfigProvider(SigningConfigProvider.from(tufClient(tuf)))
        .enableRekorV2(true)
        .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256)
        .minSigningCertificateLifetime(KeylessSigner.DEFAULT_MIN_SIGNING_CERTIFICATE_LIFETIME)
        .forceCredentialProviders(OidcClients.of(TokenStringOidcClient.from(token)))
        .build()) {
      return signer.attest(statement);
    }
  }

  /** sigstore-java {@code KeylessVerifier} with the trusted root from the TUF repository. */
  static Sigstack.Result sigstoreJavaVerify(Tuf tuf, Identity id, Path bundle, Path artifact) {
    try {
      Bundle b = Bundle.from(bundle, StandardCharsets.UTF_8);
      KeylessVerifier v = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(tufClient(tuf))).build();
      VerificationOptions options = VerificationOptions.builder()
          .addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
              .subjectAlternativeName(StringMatcher.string(id.san()))
              .issuer(StringMatcher.string(id.issuer())).build())
          .build();
      v.verify(artifact, b, options);
      return new Sigstack.Result(0, "verified", "");
    } catch (Exception e) {
      StringBuilder why = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        why.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
      }
      return new Sigstack.Result(1, "", why.toString());
    }
  }

  /** Our verifier: {@code sigstack-cli verify-bundle} (sigstore-conformance's CLI protocol) with the TUF repository. */
  static Sigstack.Result sigstackVerify(Tuf tuf, Identity id, Path bundle, Path artifact)
      throws IOException, InterruptedException {
    return run(new ProcessBuilder(Sigstack.java(), "-jar", StackProcess.cliJar().toString(), "verify-bundle",
        "--bundle", bundle.toString(), "--certificate-identity", id.san(), "--certificate-oidc-issuer", id.issuer(),
        "--tuf-url", tuf.mirror(), "--tuf-root", tuf.root().toString(), artifact.toString()), Duration.ofMinutes(2));
  }
}
