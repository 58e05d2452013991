package dev.sigstack.monitor;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A test fixture between the monitor and a log: forwards GETs to an upstream log that can be switched (to a
 * second log signed with the same key: a fork), can rewrite responses, and can fail chosen paths.
 */
final class TamperingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    volatile String upstream;
    /** Rewrites the body of a path, or returns null to pass it through unchanged. */
    volatile PathRewriter rewriter = (path, body) -> null;
    /** Paths for which the proxy answers 503 (a flaky or dying log). */
    volatile java.util.function.Predicate<String> failing = p -> false;

    @FunctionalInterface
    interface PathRewriter {
        byte[] rewrite(String path, byte[] body);
    }

    TamperingProxy(String upstream) throws IOException {
        this.upstream = upstream;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] out;
            int status;
            if (failing.test(path)) {
                status = 503;
                out = "unavailable".getBytes();
            } else {
                try {
                    HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(this.upstream + path)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    out = r.body();
                    byte[] changed = status == 200 ? rewriter.rewrite(path, out) : null;
                    if (changed != null) {
                        out = changed;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 500;
                    out = new byte[0];
                }
            }
            ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            try (var os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }


    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
