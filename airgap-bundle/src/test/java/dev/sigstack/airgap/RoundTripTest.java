package dev.sigstack.airgap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.airgap.BundleRefusedException.Reason;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import dev.sigstack.tlog.TlogServer;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Keys;
import dev.sigstack.tuf.TufRepoServer;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Export from a running stack (tlog-service in-process, its key and URL in the TUF targets), carry
 * the tarball, verify and import it in a fresh directory, and use the imported trust: the client
 * trusted root verifies the running log's checkpoint, and the TrustRoot resource's mirrorFS walks
 * as policy-controller walks it. Every tamper case is refused at import with nothing written.
 */
class RoundTripTest {

  @TempDir static Path shared;
  static TlogServer tlog;
  static String tlogUrl;
  static BundleFixture site;
  static Path tarball;

  @TempDir Path fresh;

  @BeforeAll
  static void startStackAndExport() throws Exception {
    tlog = TlogServer.start(TlogServer.Config.defaults(shared.resolve("tlog")).withPort(0), null);
    tlogUrl = "http://localhost:" + tlog.port();
    site = BundleFixture.create(shared.resolve("site"), dev.sigstack.tuf.Expiries.DEFAULT, tlogUrl, tlog.publicKey());
    tarball = shared.resolve("carry/acme-bundle.tar.gz");
    Exporter.write(site.export(), tarball);
  }

  @AfterAll
  static void stop() {
    if (tlog != null) {
      tlog.close();
    }
  }

  @Test
  void roundTrip_importedTrustVerifiesTheRunningLogsCheckpoint() throws Exception {
    Path into = fresh.resolve("acme");
    Verifier.Verified v = Importer.importBundle(tarball, into, site.options(), Progress.NONE);
    assertEquals(v.files().size(), countFiles(into));

    TrustedRoot.Builder tr = TrustedRoot.newBuilder();
    JsonFormat.parser().merge(Files.readString(into.resolve(Exporter.TRUSTED_ROOT)), tr);
    var log = tr.getTlogs(0);
    assertEquals(tlogUrl, log.getBaseUrl());
    PublicKey key = KeyFactory.getInstance("EC").generatePublic(
        new X509EncodedKeySpec(log.getPublicKey().getRawBytes().toByteArray()));

    HttpResponse<String> cp = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(tlogUrl + "/checkpoint")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, cp.statusCode());
    SignedNote.parse(cp.body()).verify(NoteKeys.ecdsaVerifier("localhost", key));

    // A checkpoint signed by another key does not verify against the imported trust.
    PublicKey other = DevStack.ec().getPublic();
    assertThrows(Exception.class, () -> SignedNote.parse(cp.body()).verify(NoteKeys.ecdsaVerifier("localhost", other)));
  }

  @Test
  void roundTrip_importedTrustRootResourceWalksLikePolicyController() throws Exception {
    Path into = fresh.resolve("acme");
    Importer.importBundle(tarball, into, site.options(), Progress.NONE);
    JsonNode tr = new ObjectMapper(new YAMLFactory()).readTree(into.resolve(Exporter.TRUSTROOT).toFile());
    assertEquals("policy.sigstore.dev/v1alpha1", tr.get("apiVersion").asText());
    assertEquals("TrustRoot", tr.get("kind").asText());
    assertEquals("acme", tr.at("/metadata/name").asText());
    byte[] root = Base64.getDecoder().decode(tr.at("/spec/repository/root").asText());
    byte[] mirror = Base64.getDecoder().decode(tr.at("/spec/repository/mirrorFS").asText());
    TufClient client = TufClient.builder(root, MirrorFs.source(new ByteArrayInputStream(mirror), TarGz.Limits.DEFAULT))
        .build();
    client.refresh();
    assertArrayEquals(Files.readAllBytes(into.resolve(Exporter.TRUSTED_ROOT)),
        client.target(tr.at("/spec/repository/trustedRootTarget").asText()));

    // The policies reference this TrustRoot and the site's CI identity.
    JsonNode cip = new ObjectMapper(new YAMLFactory()).readTree(
        into.resolve("kubernetes/stage2-enforce/acme-keyless-ci.yaml").toFile());
    assertEquals("enforce", cip.at("/spec/mode").asText());
    assertEquals("acme", cip.at("/spec/authorities/0/keyless/trustRootRef").asText());
    assertEquals(tlogUrl, cip.at("/spec/authorities/0/ctlog/url").asText());
    assertTrue(cip.at("/spec/authorities/0/keyless/identities/0/subjectRegExp").asText().startsWith("^https://gitlab"));
  }

  @Test
  void roundTrip_importedRepositoryServedOverHttpWalksFromTheImportedRoot() throws Exception {
    Path into = fresh.resolve("acme");
    Importer.importBundle(tarball, into, site.options(), Progress.NONE);
    try (TufRepoServer server = TufRepoServer.startLoopback(into.resolve("tuf/repository"))) {
      TufClient client = TufClient.builder(Files.readAllBytes(into.resolve(Exporter.TUF_ROOT)),
          RepositorySource.http(URI.create("http://127.0.0.1:" + server.port() + "/"))).build();
      client.refresh();
      assertArrayEquals(Files.readAllBytes(into.resolve(Exporter.CA_CHAIN)), client.target("fulcio_v1.crt.pem"));
    }
  }

  @Test
  void import_intoEmptyDirectory_accepted() throws Exception {
    Path into = Files.createDirectories(fresh.resolve("empty"));
    Importer.importBundle(tarball, into, site.options(), Progress.NONE);
    assertTrue(Files.isRegularFile(into.resolve(Manifest.FILE)));
  }

  @Test
  void import_destinationIsAFileOrALink_refused() throws Exception {
    Path file = Files.writeString(fresh.resolve("file"), "x");
    assertEquals(Reason.DESTINATION_EXISTS, assertThrows(BundleRefusedException.class,
        () -> Importer.importBundle(tarball, file, site.options(), Progress.NONE)).reason());
    Path link = Files.createSymbolicLink(fresh.resolve("link"), Files.createDirectories(fresh.resolve("target")));
    assertEquals(Reason.DESTINATION_EXISTS, assertThrows(BundleRefusedException.class,
        () -> Importer.importBundle(tarball, link, site.options(), Progress.NONE)).reason());
    try (Stream<Path> s = Files.list(fresh.resolve("target"))) {
      assertEquals(0, s.count(), "nothing written through the link");
    }
  }

  @Test
  void roundTrip_importedDirectoryIsItselfAVerifiableBundle() throws Exception {
    Path into = fresh.resolve("acme");
    Importer.importBundle(tarball, into, site.options(), Progress.NONE);
    assertEquals("acme", Verifier.verify(into, site.options(), Progress.NONE).manifest().site());
  }

  /** Ways to spoil the carried tarball; each must be refused at import. */
  enum Tamper {
    TAMPERED_FILE(Reason.TAMPERED, f -> rewrite(f, Exporter.TRUSTED_ROOT, "{\"tlogs\":[]}")),
    MISSING_FILE(Reason.MISSING_FILE, f -> rewriteTar(f, "kubernetes/trustroot.yaml", null)),
    EXTRA_FILE(Reason.EXTRA_FILE, f -> rewriteTar(f, "kubernetes/zz-allow-all.yaml", "kind: ClusterImagePolicy\n")),
    PATH_TRAVERSAL(Reason.PATH_TRAVERSAL, f -> hostile(f, t -> t.file("../../../tmp/owned", new byte[4]))),
    LINK(Reason.LINK, f -> hostile(f, t -> t.entry("clients/ca-chain.pem", '2', new byte[0], "/etc/passwd"))),
    OVERSIZED(Reason.OVERSIZED, f -> hostile(f, t -> t.file("tuf/huge.bin", new byte[70 << 20]))),
    EXPIRED(Reason.EXPIRED, f -> {}),
    WRONG_KEY(Reason.WRONG_KEY, f -> {});

    final Reason reason;
    final ThrowingConsumer<Path> spoil;

    Tamper(Reason reason, ThrowingConsumer<Path> spoil) {
      this.reason = reason;
      this.spoil = spoil;
    }
  }

  interface ThrowingConsumer<T> {
    void accept(T t) throws Exception;
  }

  @ParameterizedTest
  @EnumSource(Tamper.class)
  void import_spoiledBundle_refusedAndNothingWritten(Tamper tamper) throws Exception {
    Path carried = fresh.resolve("carried.tar.gz");
    Files.copy(tarball, carried);
    tamper.spoil.accept(carried);
    Verifier.Options opts = switch (tamper) {
      case EXPIRED -> Verifier.Options.of(site.verifyKey, site.now.plus(Duration.ofDays(400)));
      case WRONG_KEY -> Verifier.Options.of(Keys.signer(DevStack.pemPrivate(fresh.resolve("k.pem"),
          DevStack.ec().getPrivate()).toString()).key(), site.now);
      default -> site.options();
    };
    Path into = fresh.resolve("site-config");
    BundleRefusedException e = assertThrows(BundleRefusedException.class,
        () -> Importer.importBundle(carried, into, opts, Progress.NONE));
    assertEquals(tamper.reason, e.reason(), e.getMessage());
    assertFalse(Files.exists(into), "nothing may be written on refusal");
    try (Stream<Path> s = Files.list(fresh)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".import-")), "no temporary directory left");
    }
    assertFalse(Files.exists(Path.of("/tmp/owned")));
  }

  private static void rewrite(Path tgz, String path, String content) throws Exception {
    rewriteTar(tgz, path, content);
  }

  /** Replaces (or with null removes) one entry of a bundle tarball, keeping everything else. */
  private static void rewriteTar(Path tgz, String path, String content) throws Exception {
    java.util.SortedMap<String, byte[]> files;
    try (var in = Files.newInputStream(tgz)) {
      files = new java.util.TreeMap<>(TarGz.read(in, Verifier.Options.DEFAULT_LIMITS));
    }
    if (content == null) {
      assertTrue(files.remove(path) != null, "no entry " + path);
    } else {
      files.put(path, content.getBytes(StandardCharsets.UTF_8));
    }
    Files.write(tgz, TarGz.write(files, 0));
  }

  /** Appends hostile entries after the good ones (the reader meets them after the manifest). */
  private static void hostile(Path tgz, ThrowingConsumer<HostileTar> add) throws Exception {
    java.util.Map<String, byte[]> files;
    try (var in = Files.newInputStream(tgz)) {
      files = TarGz.read(in, Verifier.Options.DEFAULT_LIMITS);
    }
    HostileTar t = new HostileTar();
    for (var e : files.entrySet()) {
      t.file(e.getKey(), e.getValue());
    }
    add.accept(t);
    Files.write(tgz, t.gzip());
  }

  private static long countFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

}
