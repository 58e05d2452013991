package dev.sigstack.airgap;

import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Expiries;
import dev.sigstack.tuf.Keys;
import dev.sigstack.tuf.RoleSpec;
import dev.sigstack.tuf.StackFile;
import dev.sigstack.tuf.StackTargets;
import dev.sigstack.tuf.TufRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A site for tests: development keys and PKI from tuf-repo-builder's {@link DevStack}, a TUF
 * repository built from them with {@link TufRepository#init}, a {@code site.yaml} and a bundle
 * signing key. Optionally the transparency log key of a running tlog-service replaces the
 * development one.
 */
final class BundleFixture {

  final Path dir;
  final Path repoDir;
  final Path siteFile;
  final Path signingKey;
  final Path signingPub;
  final Path tlsBundle;
  final TufSigner signer;
  final TufKey verifyKey;
  final Instant now;
  final DevStack.DevFiles dev;

  private BundleFixture(Path dir, Path repoDir, Path siteFile, Path signingKey, Path signingPub, Path tlsBundle,
      TufSigner signer, TufKey verifyKey, Instant now, DevStack.DevFiles dev) {
    this.dir = dir;
    this.repoDir = repoDir;
    this.siteFile = siteFile;
    this.signingKey = signingKey;
    this.signingPub = signingPub;
    this.tlsBundle = tlsBundle;
    this.signer = signer;
    this.verifyKey = verifyKey;
    this.now = now;
    this.dev = dev;
  }

  static BundleFixture create(Path dir) throws Exception {
    return create(dir, Expiries.DEFAULT, null, null);
  }

  /**
   * @param rekorUrl the running log's URL, or null for a development URL
   * @param rekorKey the running log's public key, or null for a development key
   */
  static BundleFixture create(Path dir, Expiries expiries, String rekorUrl, PublicKey rekorKey) throws Exception {
    Instant now = Instant.now();
    String base = "https://sigstack.acme.internal";
    DevStack.DevFiles dev = DevStack.write(dir.resolve("dev"), base, now);
    if (rekorKey != null) {
      Files.writeString(dir.resolve("dev/rekor.pub"), pem("PUBLIC KEY", rekorKey.getEncoded()));
      String stack = Files.readString(dev.stackFile()).replace(base + "/rekor", rekorUrl);
      Files.writeString(dev.stackFile(), stack);
    }
    List<TufSigner> signers = List.of(Keys.signer(dev.rootKey1().toString()), Keys.signer(dev.targetsKey().toString()),
        Keys.signer(dev.snapshotKey().toString()), Keys.signer(dev.timestampKey().toString()));
    Map<String, RoleSpec> roles = Map.of(
        "root", new RoleSpec(List.of(signers.get(0).key()), 1),
        "targets", new RoleSpec(List.of(signers.get(1).key()), 1),
        "snapshot", new RoleSpec(List.of(signers.get(2).key()), 1),
        "timestamp", new RoleSpec(List.of(signers.get(3).key()), 1));
    Path repoDir = dir.resolve("repo");
    TufRepository.init(repoDir, roles, StackTargets.of(StackFile.read(dev.stackFile()), now), signers, expiries, now);

    String rekor = rekorUrl != null ? rekorUrl : base + "/rekor";
    Path site = dir.resolve("site.yaml");
    Files.writeString(site, """
        name: acme
        namespace: sigstack
        urls:
          fulcio: %s/fulcio
          rekor: %s
          tuf: https://tuf.acme.internal
          oidcIssuer: https://gitlab.acme.internal
        ci:
          subjectRegExp: ^https://gitlab\\.acme\\.internal/platform/.+//\\.gitlab-ci\\.yml@refs/heads/main$
          builderIdRegExp: ^https://gitlab\\.acme\\.internal/.+$
          provider: gitlab-pipeline
        images: ["registry.acme.internal/apps/**"]
        sidecars: ["registry.acme.internal/third-party/envoy:v1.31.*"]
        registry: {host: registry.acme.internal, cidrs: [10.20.0.10/32], ports: [443, 5000]}
        apiServer: {cidrs: [10.96.0.1/32, 172.18.0.2/32], ports: [443, 6443]}
        stackImages: {repository: registry.acme.internal/sigstack, tag: 0.1.0}
        postgres: {host: pg.acme.internal, port: 5432, user: tlog, passwordSecret: sigstack-tlog-db}
        ca: {keySecret: sigstack-ca-key}
        breakGlassNamespace: sigstack-break-glass
        """.formatted(base, rekor));

    KeyPair kp = DevStack.ec();
    Path key = DevStack.pemPrivate(dir.resolve("bundle-signing.key"), kp.getPrivate());
    Path pub = dir.resolve("bundle-signing.pub");
    Files.writeString(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    Path tls = dir.resolve("tls-trust-bundle.pem");
    Files.copy(dev.stackFile().resolveSibling("fulcio-chain.pem"), tls);
    return new BundleFixture(dir, repoDir, site, key, pub, tls, Keys.signer(key.toString()),
        Keys.publicKey(pub.toString()), now, dev);
  }

  /** Builds a bundle at the fixture's time. */
  Exporter.Result export() throws Exception {
    return Exporter.build(TufRepository.open(repoDir), 1, Site.read(siteFile), Files.readAllBytes(tlsBundle), signer,
        Duration.ofDays(7), now, Progress.NONE);
  }

  /** Builds a bundle that carries the charts under {@code charts}. */
  Exporter.Result export(Path charts) throws Exception {
    return Exporter.build(TufRepository.open(repoDir), 1, Site.read(siteFile), Files.readAllBytes(tlsBundle), charts,
        signer, Duration.ofDays(7), now, Progress.NONE);
  }

  Verifier.Options options() {
    return Verifier.Options.of(verifyKey, now);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
