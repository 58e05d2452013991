package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile OIDC issuers on loopback: discovery and JWKS bodies are read through a bounded stream, never whole
 * before the size check, and within a deadline.
 */
class IssuerKeysBoundsTest {
    private HttpServer server;
    private String url;
    private final AtomicLong sent = new AtomicLong();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void discovery(String jwksPath) {
        server.createContext("/.well-known/openid-configuration", ex -> respond(ex,
            "{\"issuer\":\"" + url + "\",\"jwks_uri\":\"" + url + jwksPath + "\"}"));
    }

    private static void respond(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private IssuerKeys keys() throws InvalidTokenException {
        return new IssuerKeys(OidcIssuer.of(url, "sigstore", IssuerType.EMAIL));
    }

    /** An endless chunked JWKS: refused after the limit, and the client stops reading (the server sees few bytes). */
    @Test
    void keys_endlessChunkedJwks_refusedAfterLimitWithoutReadingItAll() throws Exception {
        discovery("/jwks");
        server.createContext("/jwks", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = ex.getResponseBody()) {
                out.write('{');
                for (int i = 0; i < 100_000; i++) { // 6.4 GB if the client read it all
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException clientWentAway) {
                // expected: the client stopped reading
            }
        });
        long t0 = System.nanoTime();
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> keys().keys());
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        Thread.sleep(200);
        assertTrue(sent.get() < 64L * 1024 * 1024, "server wrote " + sent.get() + " bytes: the client kept reading");
        assertTrue(System.nanoTime() - t0 < IssuerKeys.TIMEOUT.toNanos(), "refusal waited for the deadline");
    }

    /** A declared Content-Length above the limit is refused before the body is read. */
    @Test
    void keys_hugeDeclaredDiscovery_refusedBeforeReading() throws Exception {
        server.createContext("/.well-known/openid-configuration", ex -> {
            ex.sendResponseHeaders(200, 1L << 40);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("{\"issuer\":".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(5_000);
            } catch (IOException | InterruptedException e) {
                // client closed
            }
        });
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> keys().keys());
        assertTrue(e.getMessage().contains("declares"), e.getMessage());
    }

    /** A body that drips one byte a second is cut at the deadline. */
    @Test
    void keys_drippingJwks_refusedAtDeadline() throws Exception {
        discovery("/jwks");
        server.createContext("/jwks", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 120; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(1_000);
                }
            } catch (IOException | InterruptedException e) {
                // client closed
            }
        });
        long t0 = System.nanoTime();
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> keys().keys());
        long took = System.nanoTime() - t0;
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
        assertTrue(took < IssuerKeys.TIMEOUT.toNanos() + 5_000_000_000L, "took " + took / 1_000_000 + " ms");
    }

    @Test
    void keys_oversizedStaticJwksFile_refused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("jwks.json");
        Files.write(f, new byte[IssuerKeys.MAX_DOCUMENT_BYTES + 10]);
        IssuerKeys k = new IssuerKeys(OidcIssuer.of("https://static.example", "sigstore", IssuerType.EMAIL).withJwksFile(f));
        InvalidTokenException e = assertThrows(InvalidTokenException.class, k::keys);
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
}
