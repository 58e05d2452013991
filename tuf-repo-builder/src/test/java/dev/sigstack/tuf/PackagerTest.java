package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackagerTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The JSON names of policy-controller's Repository and Remote structs (trustroot_types.go). */
  private static final Set<String> REPOSITORY_FIELDS = Set.of("root", "mirrorFS", "targets", "trustedRootTarget");
  private static final Set<String> REMOTE_FIELDS = Set.of("root", "mirror", "targets", "trustedRootTarget");

  @TempDir Path tmp;
  Fixture f;
  TufRepository repo;

  @BeforeEach
  void setUp() throws Exception {
    f = new Fixture(tmp, NOW);
    repo = f.init();
  }

  private static Path trustRootVectors() {
    String dir = System.getProperty("sigstack.vectors");
    Path p = dir == null ? null : Path.of(dir, "policy-controller/test/testdata/trustroot/e2e");
    Assumptions.assumeTrue(p != null && Files.isDirectory(p), "skipped: policy-controller vectors not found");
    return p;
  }

  private static Set<String> fields(JsonNode n) {
    Set<String> s = new HashSet<>();
    n.fieldNames().forEachRemaining(s::add);
    return s;
  }

  @Test
  void build_repositoryForm_hasPolicyControllerShapeAndUnpacksToVerifyingRepository() throws Exception {
    var p = Packager.build(repo, "sigstack", 1, URI.create("http://tuf.internal"), Duration.ofDays(3), NOW);
    JsonNode ours = YAML.readTree(p.repositoryYaml());
    JsonNode upstream = YAML.readTree(trustRootVectors().resolve("with-repository.yaml").toFile());
    assertEquals(upstream.get("apiVersion"), ours.get("apiVersion"));
    assertEquals(upstream.get("kind"), ours.get("kind"));
    JsonNode spec = ours.get("spec").get("repository");
    assertTrue(fields(spec).containsAll(fields(upstream.get("spec").get("repository"))));
    assertEquals(REPOSITORY_FIELDS, fields(spec));
    assertEquals("targets", spec.get("targets").asText());
    assertEquals("trusted_root.json", spec.get("trustedRootTarget").asText());
    assertArrayEquals(Files.readAllBytes(f.repoDir.resolve("1.root.json")), Base64.getDecoder().decode(spec.get("root").asText()));
    byte[] tgz = Base64.getDecoder().decode(spec.get("mirrorFS").asText());
    assertArrayEquals(p.mirrorFs(), tgz);

    var entries = TarGz.read(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT);
    assertTrue(entries.keySet().stream().allMatch(n -> n.startsWith("repository/")), entries.keySet().toString());
    assertEquals(repo.files().keySet(), new java.util.TreeSet<>(MirrorFs.unpack(new ByteArrayInputStream(tgz),
        TarGz.Limits.DEFAULT).keySet()));

    var fromMirror = TufClient.builder(p.initialRoot(), MirrorFs.source(new ByteArrayInputStream(tgz), TarGz.Limits.DEFAULT))
        .time(NOW).targetsPath(spec.get("targets").asText()).build();
    var fromDir = TufClient.builder(p.initialRoot(), RepositorySource.directory(f.repoDir)).time(NOW).build();
    assertArrayEquals(fromDir.target("trusted_root.json"), fromMirror.target("trusted_root.json"));
  }

  @Test
  void build_remoteForm_hasPolicyControllerShape() throws Exception {
    var p = Packager.build(repo, "sigstack", 1, URI.create("https://tuf.internal"), Duration.ofDays(3), NOW);
    JsonNode ours = YAML.readTree(p.remoteYaml());
    JsonNode upstream = YAML.readTree(trustRootVectors().resolve("with-remote.yaml").toFile());
    JsonNode spec = ours.get("spec").get("remote");
    assertTrue(fields(spec).containsAll(fields(upstream.get("spec").get("remote"))));
    assertEquals(REMOTE_FIELDS, fields(spec));
    assertEquals("https://tuf.internal", spec.get("mirror").asText());
    assertEquals("sigstack", ours.get("metadata").get("name").asText());
  }

  @Test
  void build_expiredTimestamp_refused() {
    var e = assertThrows(Packager.RefusedException.class,
        () -> Packager.build(repo, "sigstack", 1, URI.create("http://tuf.internal"), Duration.ofDays(3),
            NOW.plus(Duration.ofDays(8))));
    assertTrue(e.getMessage().startsWith("refusing to package expired metadata: timestamp expired at 2026-06-08T00:00:00Z"),
        e.getMessage());
  }

  @Test
  void expiryWarnings_timestampWithinWindow_warnsOnlyForIt() {
    List<String> w = new ArrayList<>(Packager.expiryWarnings(repo, Duration.ofDays(10), NOW));
    assertEquals(List.of("warning: timestamp (timestamp.json) expires at 2026-06-08T00:00:00Z, within 10 day(s)"), w);
  }

  @Test
  void build_badName_refused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Packager.build(repo, "Bad_Name", 1, URI.create("http://tuf.internal"), Duration.ofDays(3), NOW));
    assertEquals("TrustRoot name must be a lower-case DNS name: Bad_Name", e.getMessage());
  }

  @Test
  void policyControllerTuf_readsBothTrustRootForms_sameTrustedRoot() throws Exception {
    var p = Packager.build(repo, "sigstack", 1, URI.create("http://unused.internal"), Duration.ofDays(3), NOW);
    byte[] expected = repo.targetContents().get("trusted_root.json");
    JsonNode spec = YAML.readTree(p.repositoryYaml()).get("spec").get("repository");
    byte[] fromMirror = dev.sigstack.core.tuf.PolicyControllerTuf.fromMirrorFs(
        Base64.getDecoder().decode(spec.get("root").asText()), Base64.getDecoder().decode(spec.get("mirrorFS").asText()),
        spec.get("targets").asText(), spec.get("trustedRootTarget").asText(), TarGz.Limits.DEFAULT, NOW);
    assertArrayEquals(expected, fromMirror);
    try (TufRepoServer server = TufRepoServer.startLoopback(f.repoDir)) {
      byte[] fromRemote = dev.sigstack.core.tuf.PolicyControllerTuf.fromRemote(p.initialRoot(), server.url(), null, null, NOW);
      assertArrayEquals(expected, fromRemote);
    }
  }
}
