package dev.sigstack.interop;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The whole stack as a user runs it: {@code java -jar launcher/target/sigstack-launcher.jar --data-dir D
 * --base-port 0} in its own process, described by the {@code stack.json} it writes.
 */
final class StackProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  final Path dataDir;
  private final Process process;
  private final Path log;
  final String caUrl;
  final String rekorV1Url;
  final String rekorV2Url;
  final String tsaUrl;
  final String issuer;
  final String tokenEndpoint;
  final String tufMirror;
  final Path tufRoot;
  final Path grpcTlsCertificate;
  private final List<String> tokens = new CopyOnWriteArrayList<>();

  static Path launcherJar() {
    String jar = System.getProperty("sigstack.launcherJar");
    Path p = jar == null ? null : Path.of(jar);
    Assumptions.assumeTrue(p != null && Files.isRegularFile(p),
        "skipped: launcher/target/sigstack-launcher.jar is not built (run Maven with -pl launcher,interop -am)");
    return p;
  }

  static Path cliJar() {
    String jar = System.getProperty("sigstack.cliJar");
    Path p = jar == null ? null : Path.of(jar);
    Assumptions.assumeTrue(p != null && Files.isRegularFile(p),
        "skipped: cli/target/sigstack-cli.jar is not built (run Maven with -pl cli,interop -am)");
    return p;
  }

  /** Starts a stack on free ports; {@link #await()} waits for its stack.json. */
  private StackProcess(Path dataDir) throws IOException {
    this.dataDir = dataDir;
    Files.createDirectories(dataDir);
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.process = new ProcessBuilder(Sigstack.java(), "-jar", launcherJar().toString(),
        "--data-dir", dataDir.toString(), "--base-port", "0")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    JsonObject s = await();
    JsonObject services = s.getAsJsonObject("services");
    caUrl = services.getAsJsonObject("ca").get("url").getAsString();
    grpcTlsCertificate = Path.of(services.getAsJsonObject("ca").get("grpcTlsCertificate").getAsString());
    rekorV1Url = services.getAsJsonObject("rekor").get("url").getAsString();
    rekorV2Url = services.getAsJsonObject("rekorV2").get("url").getAsString();
    tsaUrl = services.getAsJsonObject("tsa").get("url").getAsString();
    issuer = services.getAsJsonObject("oidc").get("issuer").getAsString();
    tokenEndpoint = services.getAsJsonObject("oidc").get("tokenEndpoint").getAsString();
    tufMirror = services.getAsJsonObject("tuf").get("mirror").getAsString();
    tufRoot = Path.of(services.getAsJsonObject("tuf").get("root").getAsString());
  }

  static StackProcess start(Path dataDir) throws IOException {
    return new StackProcess(dataDir);
  }

  private JsonObject await() throws IOException {
    Path json = dataDir.resolve("stack.json");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (!Files.exists(json)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        close();
        throw new IOException("the launcher did not write " + json + "; its output:\n" + Files.readString(log));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    return JsonParser.parseString(Files.readString(json)).getAsJsonObject();
  }

  /** An identity token from the development issuer for {@code email}; remembered for {@link #assertNoSecretsLogged}. */
  String token(String email) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(tokenEndpoint + "?email=" + email)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("token endpoint answered " + r.statusCode() + ": " + r.body());
    }
    String token = JsonParser.parseString(r.body()).getAsJsonObject().get("id_token").getAsString();
    tokens.add(token);
    return token;
  }

  /**
   * Greps everything this stack logged (its console output and {@code sigstack.log}) for the secrets it used: every
   * identity token handed out (whole, and its signature part alone), every private key file and password file in the
   * data directory (each base64 line of a key), and any "PRIVATE KEY" armor. Answers how many secrets were checked.
   */
  int assertNoSecretsLogged() throws IOException {
    String logged = Files.readString(log) + (Files.exists(dataDir.resolve("sigstack.log"))
        ? Files.readString(dataDir.resolve("sigstack.log")) : "");
    List<String> secrets = new ArrayList<>();
    for (String t : tokens) {
      secrets.add(t);
      secrets.add(t.substring(t.lastIndexOf('.') + 1));
    }
    try (var files = Files.walk(dataDir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.contains("password") || name.endsWith(".pin")) {
          secrets.add(Files.readString(f).strip());
        } else if (name.endsWith(".pem") && Files.readString(f).contains("PRIVATE KEY")) {
          for (String line : Files.readAllLines(f)) {
            if (!line.startsWith("-----") && line.length() >= 16) {
              secrets.add(line);
            }
          }
        }
      }
    }
    if (logged.contains("PRIVATE KEY")) {
      throw new AssertionError("the stack logged a private key (PEM armor in its log)");
    }
    for (String secret : secrets) {
      if (!secret.isEmpty() && logged.contains(secret)) {
        throw new AssertionError("the stack logged a secret (" + secret.length() + " characters, starting "
            + secret.substring(0, Math.min(6, secret.length())) + "...)");
      }
    }
    return secrets.size();
  }

  /** A PKCS#12 trust store holding only the CA's gRPC TLS certificate (password "changeit"). */
  Path trustStore(Path file) throws Exception {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(grpcTlsCertificate)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("sigstack-ca-grpc", cert);
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, "changeit".toCharArray());
    }
    return file;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
