package dev.sigstack.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI images that {@code ./sigstack images} (Maven profile "images") builds, run as a site runs them: Debian's
 * podman 4.3 with runc (crun fails here: "cgroups in hybrid mode not supported"), cgroupfs, host network, the vfs
 * storage driver in a private folder, user 65532 and a read-only root file system, with only a data volume writable.
 * Testcontainers is not used: it needs a Docker-API socket (podman system service) and its Ryuk image from a hub;
 * the podman CLI is what runs here (see images/README.md).
 *
 * <p>Runs when the image archives exist (./sigstack test builds them with -Pimages); skips with a message otherwise,
 * except under {@code SIGSTACK_IMAGES_REQUIRED=1} (set by ./sigstack test), where a missing archive or podman fails.
 */
final class ImagesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Path ROOT = Path.of(System.getProperty("sigstack.root", "..")).toAbsolutePath().normalize();
  private static Path storage;
  private static final List<String> started = new ArrayList<>();

  @BeforeAll
  static void podman() throws Exception {
    boolean required = "1".equals(System.getenv("SIGSTACK_IMAGES_REQUIRED"));
    boolean haveTools = onPath("podman") && onPath("runc");
    boolean haveImages = Files.isRegularFile(archive("tlog-service"));
    if (!required) {
      Assumptions.assumeTrue(haveTools, "skipped: podman or runc is not installed (./sigstack test installs them)");
      Assumptions.assumeTrue(haveImages, "skipped: no image archives; build them with ./sigstack images");
    }
    assertTrue(haveTools, "podman and runc are required (SIGSTACK_IMAGES_REQUIRED=1)");
    assertTrue(haveImages, "image archives are required (SIGSTACK_IMAGES_REQUIRED=1): " + archive("tlog-service"));
    storage = Files.createTempDirectory("sigstack-podman");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (storage == null) {
      return;
    }
    for (String name : started) {
      podman(Duration.ofSeconds(30), "rm", "-f", "-t", "0", name);
    }
    // vfs storage is plain folders (podman's "system reset" on it took over a minute here)
    new ProcessBuilder("rm", "-rf", storage.toString()).start().waitFor(120, TimeUnit.SECONDS);
  }

  private static Path archive(String module) {
    return ROOT.resolve(module).resolve("target/image/" + module + ".tar");
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  record Run(int exit, String out) {}

  private static Run podman(Duration timeout, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs",
        "--storage-driver", "vfs", "--root", storage.resolve("root").toString(),
        "--runroot", storage.resolve("run").toString(), "--events-backend", "none"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(storage, "podman", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("podman " + String.join(" ", args) + " did not finish in " + timeout + ": "
          + Files.readString(out));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  /** Loads the module's archive and answers the image name podman gave it. */
  private static String load(String module) throws Exception {
    Run r = podman(Duration.ofMinutes(3), "load", "-q", "-i", archive(module).toString());
    assertEquals(0, r.exit(), "podman load " + module + ": " + r.out());
    return "localhost/sigstack/" + module + ":0.1.0-SNAPSHOT";
  }

  /** Runs the image detached as 65532 with a read-only root, host network, and one writable data volume. */
  private static String runDetached(String image, String name, Path data, List<String> env, String... args)
      throws Exception {
    Files.createDirectories(data);
    new ProcessBuilder("chown", "65532:65532", data.toString()).start().waitFor(10, TimeUnit.SECONDS);
    // ulimits at or below this machine's (podman's defaults are above them and runc then fails to set them)
    List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host", "--read-only",
        "--user", "65532:65532", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
        "-v", data + ":/var/lib/sigstack"));
    for (String e : env) {
      cmd.add("-e");
      cmd.add(e);
    }
    cmd.add(image);
    cmd.addAll(List.of(args));
    Run r = podman(Duration.ofMinutes(2), cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), "podman run " + name + ": " + r.out());
    started.add(name);
    return name;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** GETs {@code url} until it answers 200 (or the deadline passes), and answers the body. */
  private static String awaitOk(String name, String url, Duration deadline) throws Exception {
    Instant end = Instant.now().plus(deadline);
    String last = "no answer";
    while (Instant.now().isBefore(end)) {
      try {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() == 200) {
          return res.body();
        }
        last = res.statusCode() + " " + res.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Run ps = podman(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}}", name);
      if (ps.out().strip().equals("false")) {
        throw new AssertionError(name + " stopped: " + podman(Duration.ofSeconds(30), "logs", name).out());
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(name + ": " + url + " never answered 200 (last: " + last + "); logs:\n"
        + podman(Duration.ofSeconds(30), "logs", name).out());
  }

  private static void assertUserAndReadOnly(String name) throws Exception {
    Run cfg = podman(Duration.ofSeconds(30), "inspect", "-f", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}", name);
    assertEquals("65532:65532 true", cfg.out().strip(), name + " runs as 65532 on a read-only root");
  }

  @Test
  void tlogService_answersHealthAndAppends_asNonRootOnReadOnlyRoot() throws Exception {
    String image = load("tlog-service");
    int port = freePort();
    String name = runDetached(image, "sigstack-test-tlog-" + port, storage.resolve("tlog-data"),
        List.of("SERVER_HOST=127.0.0.1", "SERVER_PORT=" + port, "TLOG_HOSTNAME=images.test",
            "TLOG_DATA_dash_DIR=/var/lib/sigstack"));
    String health = awaitOk(name, "http://127.0.0.1:" + port + "/observe/health", Duration.ofSeconds(150));
    assertTrue(health.contains("\"status\":\"UP\""), health);
    assertUserAndReadOnly(name);
    // the log's state went to the data volume, written by 65532: nothing else is writable
    assertTrue(Files.exists(storage.resolve("tlog-data/tlog.mv.db")), "the H2 file is on the data volume");
    String log = awaitOk(name, "http://127.0.0.1:" + port + "/api/v1/log", Duration.ofSeconds(10));
    assertTrue(log.contains("\"treeSize\":0"), log);
  }

  @Test
  void caService_answersHealth_asNonRootOnReadOnlyRoot() throws Exception {
    String image = load("ca-service");
    int port = freePort();
    // the CA contacts its CT log only when it issues: health needs none
    String name = runDetached(image, "sigstack-test-ca-" + port, storage.resolve("ca-data"), List.of(),
        "serve", "--data=/var/lib/sigstack", "--host=127.0.0.1", "--port=" + port, "--grpc-port=-1",
        "--dev-issuer", "--ct-log=http://127.0.0.1:9");
    awaitOk(name, "http://127.0.0.1:" + port + "/observe/health", Duration.ofSeconds(150));
    assertUserAndReadOnly(name);
    String trust = awaitOk(name, "http://127.0.0.1:" + port + "/api/v1/rootCert", Duration.ofSeconds(10));
    assertTrue(trust.contains("BEGIN CERTIFICATE"), trust);
  }

  @Test
  void tufMirror_servesTheRepository_asNonRootOnReadOnlyRoot() throws Exception {
    String image = load("tuf-repo-builder");
    int port = freePort();
    Path repo = storage.resolve("tuf-data");
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("1.root.json"), "{\"signed\":{},\"signatures\":[]}");
    String name = runDetached(image, "sigstack-test-tuf-" + port, repo, List.of(),
        "serve", "--repo=/var/lib/sigstack", "--bind=127.0.0.1", "--port=" + port);
    String root = awaitOk(name, "http://127.0.0.1:" + port + "/1.root.json", Duration.ofSeconds(120));
    assertEquals("{\"signed\":{},\"signatures\":[]}", root);
    assertUserAndReadOnly(name);
  }

  @Test
  void gateAndMonitor_startTheirCli_asNonRootOnReadOnlyRoot() throws Exception {
    // serve needs a Kubernetes API server (the gate) or a log to watch (the monitor); here: their entrypoints start
    for (String module : List.of("admission-gate", "log-monitor")) {
      String image = load(module);
      Run r = podman(Duration.ofMinutes(2), "run", "--rm", "--network", "none", "--read-only", "--user",
          "65532:65532", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096", image, "--version");
      assertEquals(0, r.exit(), module + " --version: " + r.out());
      assertTrue(r.out().contains("0.1.0"), module + " --version: " + r.out());
    }
  }
}
