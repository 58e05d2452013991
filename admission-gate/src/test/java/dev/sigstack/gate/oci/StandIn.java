package dev.sigstack.gate.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server on 127.0.0.1 standing in for a hostile registry, token realm or forged target: it counts every
 * request (and keeps its Authorization header) and answers with the handler it is given. Handlers run on their own
 * threads, so a trickling answer does not hold the others.
 */
public final class StandIn implements AutoCloseable {
    /** What the stand-in answers. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange ex) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    public final AtomicInteger hits = new AtomicInteger();
    public final List<String> authorizations = new CopyOnWriteArrayList<>();

    public StandIn(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(threads);
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            try {
                handler.handle(ex);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (a deadline cut it off)
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    /** 127.0.0.1:port. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Sends a whole answer. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    /** Headers at once, then one byte every {@code everyMillis}: a body that never ends in useful time. */
    public static void trickle(HttpExchange ex, String contentType, int length, long everyMillis)
            throws IOException, InterruptedException {
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(200, length);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < length; i++) {
            out.write('{');
            out.flush();
            Thread.sleep(everyMillis);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
