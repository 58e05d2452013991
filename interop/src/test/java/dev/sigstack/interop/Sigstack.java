package dev.sigstack.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs sigstack's packaged tools as subprocesses ({@code java -jar tuf-repo-builder.jar}), and the
 * Node peers, so that this module's class path holds only the stock clients.
 */
final class Sigstack {

  record Result(int exit, String out, String err) {}

  private Sigstack() {}

  static Path builderJar() {
    String jar = System.getProperty("sigstack.tufRepoBuilderJar");
    Path p = jar == null ? null : Path.of(jar);
    Assumptions.assumeTrue(p != null && Files.isRegularFile(p),
        "skipped: tuf-repo-builder.jar not built (run Maven with -pl tuf-repo-builder,interop -am)");
    return p;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs the CLI and returns its result. */
  static Result cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", builderJar().toString()));
    cmd.addAll(List.of(args));
    return run(cmd, Duration.ofMinutes(2));
  }

  /** Runs the CLI and fails unless it exits 0. */
  static Result ok(String... args) throws IOException, InterruptedException {
    Result r = cli(args);
    assertEquals(0, r.exit(), () -> "tuf-repo-builder " + String.join(" ", args) + " failed:\n" + r.err() + r.out());
    return r;
  }

  static Result run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Path out = Files.createTempFile("sigstack-out", ".txt");
    Path err = Files.createTempFile("sigstack-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** A repository built by the CLI from a development stack, with its keys. */
  record Repo(Path keys, Path repo) {
    Path key(String name) {
      return keys.resolve(name);
    }
  }

  /** dev-stack + init (2-of-3 root, ECDSA P-256) in {@code dir}. */
  static Repo build(Path dir) throws IOException, InterruptedException {
    Path keys = dir.resolve("keys");
    Path repo = dir.resolve("repository");
    ok("dev-stack", "--out", keys.toString(), "--base-url", "http://sigstack.internal");
    ok("init", "--repo", repo.toString(),
        "--root-key", keys.resolve("root1.key").toString(), "--root-key", keys.resolve("root2.key").toString(),
        "--root-pub", keys.resolve("root3.key").toString(), "--root-threshold", "2",
        "--targets-key", keys.resolve("targets.key").toString(),
        "--snapshot-key", keys.resolve("snapshot.key").toString(),
        "--timestamp-key", keys.resolve("timestamp.key").toString(),
        "--stack", keys.resolve("stack.yaml").toString());
    return new Repo(keys, repo);
  }

  /** Rotates the root to {root3, ed25519} 2-of-2, signed by root1+root2 (old) and the new keys. */
  static void rotate(Repo r) throws IOException, InterruptedException {
    ok("rotate-root", "--repo", r.repo().toString(),
        "--key", r.key("root1.key").toString(), "--key", r.key("root2.key").toString(),
        "--root-key", r.key("root3.key").toString(), "--root-key", r.key("ed25519.key").toString(),
        "--root-threshold", "2",
        "--key", r.key("snapshot.key").toString(), "--key", r.key("timestamp.key").toString());
  }

  /** {@code tuf-repo-builder serve} on a free loopback port, stopped by {@link #close()}. */
  static final class Server implements AutoCloseable {
    private final Process process;
    final URI url;

    Server(Path repo) throws IOException, InterruptedException {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      process = new ProcessBuilder(java(), "-jar", builderJar().toString(), "serve", "--repo", repo.toString(),
          "--bind", "127.0.0.1", "--port", Integer.toString(port))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      url = URI.create("http://127.0.0.1:" + port);
      Instant deadline = Instant.now().plusSeconds(30);
      while (true) {
        try {
          HttpURLConnection c = (HttpURLConnection) url.resolve("/1.root.json").toURL().openConnection();
          if (c.getResponseCode() == 200) {
            c.disconnect();
            return;
          }
        } catch (IOException e) {
          // not up yet
        }
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          close();
          throw new IOException("tuf-repo-builder serve did not come up on " + url);
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Unpacks a mirrorFS with GNU tar (an independent reader) into {@code dir}. */
  static Path untar(Path tarGz, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Result r;
    try {
      r = run(List.of("tar", "-xzf", tarGz.toString(), "-C", dir.toString()), Duration.ofMinutes(1));
    } catch (IOException e) {
      Assumptions.abort("skipped: no tar command to unpack the mirrorFS: " + e.getMessage());
      return null;
    }
    assertEquals(0, r.exit(), r.err());
    return dir.resolve("repository");
  }

  /** Node peers: skipped when interop/node_modules is absent (./sigstack test runs npm install). */
  static Path nodeScripts() {
    Path dir = Path.of(System.getProperty("sigstack.interopDir", "."));
    Assumptions.assumeTrue(Files.isDirectory(dir.resolve("node_modules/tuf-js")),
        "skipped: interop/node_modules is absent; run npm install in interop/ (./sigstack test does)");
    return dir.resolve("js");
  }

  static Result node(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("node", nodeScripts().resolve(script).toString()));
    cmd.addAll(List.of(args));
    try {
      return run(cmd, Duration.ofMinutes(1));
    } catch (IOException e) {
      Assumptions.abort("skipped: node is not installed: " + e.getMessage());
      return null;
    }
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
