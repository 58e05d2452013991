package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TufRepoServerTest {

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<byte[]> send(URI base, String method, String rawPath) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + rawPath)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void get_files_servedAndEverythingElseRefused() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("1.root.json"), "{\"root\":1}");
    Files.createDirectories(repo.resolve("targets"));
    Files.writeString(repo.resolve("targets/abc.x"), "target");
    Files.writeString(tmp.resolve("secret"), "secret");
    Files.createSymbolicLink(repo.resolve("link.json"), tmp.resolve("secret"));
    try (TufRepoServer s = TufRepoServer.startLoopback(repo)) {
      var ok = send(s.url(), "GET", "/1.root.json");
      assertEquals(200, ok.statusCode());
      assertArrayEquals("{\"root\":1}".getBytes(), ok.body());
      assertEquals("application/json", ok.headers().firstValue("Content-Type").orElse(""));
      assertEquals(200, send(s.url(), "GET", "/targets/abc.x").statusCode());
      assertEquals("6", send(s.url(), "HEAD", "/targets/abc.x").headers().firstValue("Content-Length").orElse(""));
      assertEquals(404, send(s.url(), "GET", "/missing.json").statusCode());
      assertEquals(404, send(s.url(), "GET", "/targets").statusCode());
      assertEquals(404, send(s.url(), "GET", "/%2e%2e/secret").statusCode());
      assertEquals(404, send(s.url(), "GET", "/targets/%2e%2e/%2e%2e/secret").statusCode());
      assertEquals(404, send(s.url(), "GET", "/link.json").statusCode());
      assertEquals(405, send(s.url(), "POST", "/1.root.json").statusCode());
    }
  }

  @Test
  void handler_underContextPath_servesOnlyBelowIt() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("timestamp.json"), "{}");
    var server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/tuf/", TufRepoServer.handler(repo, "/tuf/"));
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      assertEquals(200, send(base, "GET", "/tuf/timestamp.json").statusCode());
      assertEquals(404, send(base, "GET", "/tuf/").statusCode());
      assertEquals(404, send(base, "GET", "/tufx/timestamp.json").statusCode());
    } finally {
      server.stop(0);
    }
  }
}
