package dev.sigstack.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sigstore.tuf.RootProvider;
import dev.sigstore.tuf.SigstoreTufClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sigstore-java 2.0.0's {@code SigstoreTufClient} (unchanged) against repositories built by our
 * CLI and served by {@code tuf-repo-builder serve}.
 */
class SigstoreJavaInteropTest {

  @TempDir Path tmp;

  private static SigstoreTufClient client(URI mirror, Path root, Path cache) throws Exception {
    return SigstoreTufClient.builder()
        .tufMirror(URI.create(mirror + "/"), RootProvider.fromFile(root))
        .tufCacheLocation(cache)
        .build();
  }

  /** What the client read, as a comparable summary. */
  private static List<Object> summary(SigstoreTufClient c) {
    var tr = c.getSigstoreTrustedRoot();
    var sc = c.getSigstoreSigningConfig();
    return List.of(tr.getCAs().size(), tr.getTLogs().get(0).getBaseUrl(), tr.getCTLogs().size(), tr.getTSAs().size(),
        tr.getCAs().get(0).getCertPath().getCertificates().size(),
        sc.getCas().get(0).getUrl(), sc.getTLogs().get(0).getUrl(), sc.getTsas().get(0).getUrl(),
        sc.getOidcProviders().get(0).getUrl());
  }

  @Test
  void sigstoreTufClient_beforeAndAfterRootRotation_acceptsRepository() throws Exception {
    Sigstack.Repo r = Sigstack.build(tmp);
    Path root1 = r.repo().resolve("1.root.json");
    Path cache = tmp.resolve("cache");
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      SigstoreTufClient before = client(s.url, root1, cache);
      before.forceUpdate();
      List<Object> expected = List.of(1, URI.create("http://sigstack.internal/rekor"), 1, 1, 2,
          URI.create("http://sigstack.internal/fulcio"), URI.create("http://sigstack.internal/rekor"),
          URI.create("http://sigstack.internal/tsa/api/v1/timestamp"), URI.create("http://sigstack.internal/oidc"));
      assertEquals(expected, summary(before));

      Sigstack.rotate(r);
      SigstoreTufClient after = client(s.url, root1, cache);
      after.forceUpdate();
      assertEquals(expected, summary(after));
      assertEquals(2, rootVersion(cache.resolve("root.json")));
    }
  }

  private static int rootVersion(Path rootJson) throws Exception {
    String s = Files.readString(rootJson);
    var m = java.util.regex.Pattern.compile("\"version\"\\s*:\\s*(\\d+)").matcher(s);
    if (!m.find()) {
      throw new AssertionError("no version in " + rootJson);
    }
    return Integer.parseInt(m.group(1));
  }

  @Test
  void sigstoreTufClient_repositoryUnpackedFromMirrorFs_sameResultAsServedRepository() throws Exception {
    Sigstack.Repo r = Sigstack.build(tmp);
    Sigstack.rotate(r);
    Path out = tmp.resolve("package");
    Sigstack.ok("package", "--repo", r.repo().toString(), "--out", out.toString());
    Path unpacked = Sigstack.untar(out.resolve("mirrorFS.tar.gz"), tmp.resolve("unpacked"));
    Path root = out.resolve("root.json");
    List<Object> direct;
    try (Sigstack.Server s = new Sigstack.Server(r.repo())) {
      SigstoreTufClient c = client(s.url, root, tmp.resolve("c1"));
      c.forceUpdate();
      direct = summary(c);
    }
    try (Sigstack.Server s = new Sigstack.Server(unpacked)) {
      SigstoreTufClient c = client(s.url, root, tmp.resolve("c2"));
      c.forceUpdate();
      assertEquals(direct, summary(c));
    }
  }
}
