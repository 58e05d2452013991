package dev.sigstack.tuf;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a repository folder as static files over HTTP (GET and HEAD), as a TUF mirror: paths
 * that leave the folder, run through links or name directories get 404. Files are read on each
 * request, so a refreshed timestamp is served at once.
 */
public final class TufRepoServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;

  private TufRepoServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving {@code repo} on all interfaces at {@code port} (0: any free port). */
  public static TufRepoServer start(Path repo, int port) throws IOException {
    return start(repo, new InetSocketAddress(port));
  }

  /** Starts serving {@code repo} at {@code address}. */
  public static TufRepoServer start(Path repo, InetSocketAddress address) throws IOException {
    Path root = repo.toRealPath();
    if (!Files.isDirectory(root)) {
      throw new IOException(repo + " is not a directory");
    }
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", handler(root, "/"));
    server.start();
    return new TufRepoServer(server, executor);
  }

  /**
   * A handler serving {@code repo} under {@code contextPath} (e.g. {@code /tuf/}), for a server
   * that hosts other contexts too: {@code server.createContext("/tuf/", handler(repo, "/tuf/"))}.
   */
  public static HttpHandler handler(Path repo, String contextPath) throws IOException {
    Path root = repo.toRealPath();
    String prefix = contextPath.endsWith("/") ? contextPath : contextPath + "/";
    return ex -> handle(root, prefix, ex);
  }

  /** Starts on the loopback interface at any free port (tests, embedded use). */
  public static TufRepoServer startLoopback(Path repo) throws IOException {
    return start(repo, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:PORT} (no trailing slash). */
  public URI url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort());
  }

  private static void handle(Path root, String prefix, HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (!(path + "/").startsWith(prefix)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      path = path.length() < prefix.length() ? "" : path.substring(prefix.length());
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      Path file = root.resolve(path).normalize();
      if (path.isEmpty() || path.contains("\\") || !file.startsWith(root)
          || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || hasLink(root, file)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = Files.readAllBytes(file);
      ex.getResponseHeaders().set("Content-Type",
          path.endsWith(".json") ? "application/json" : "application/octet-stream");
      ex.getResponseHeaders().set("Cache-Control", "no-cache");
      if (method.equals("HEAD")) {
        ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static boolean hasLink(Path root, Path file) {
    for (Path p = file; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
