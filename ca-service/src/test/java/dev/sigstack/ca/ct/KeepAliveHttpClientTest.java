package dev.sigstack.ca.ct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.helidon.webserver.WebServer;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class KeepAliveHttpClientTest {
    private static final Duration T = Duration.ofSeconds(5);
    /** Appended to a scripted answer: close the connection after writing it. */
    private static final String CLOSE = "\u0000close";

    /** A scripted HTTP server on a real socket: each accepted connection answers requests with {@code script}. */
    private static final class Scripted implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final List<String> bodies = new CopyOnWriteArrayList<>();

        /** {@code script}: request number on the connection (0-based) → raw answer bytes, or null to close. */
        Scripted(Function<Integer, String> script) throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s, script));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, Function<Integer, String> script) {
            try (s) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                for (int n = 0; ; n++) {
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    int length = 0;
                    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                        if (h.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(h.substring(15).trim());
                        }
                    }
                    char[] body = new char[length];
                    int read = 0;
                    while (read < length) {
                        read += in.read(body, read, length - read);
                    }
                    bodies.add(new String(body));
                    String answer = script.apply(n);
                    if (answer == null) {
                        return;
                    }
                    boolean close = answer.endsWith(CLOSE);
                    out.write(answer.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (close) {
                        return;
                    }
                }
            } catch (IOException e) {
                // client went away
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/ct/v1/add-pre-chain");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void post_helidonServerConcurrently_everyAnswerMatchesItsRequest() throws Exception {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
            .routing(r -> r.post("/echo", (req, res) -> res.send(req.content().as(byte[].class)))).build().start();
        try (KeepAliveHttpClient http = new KeepAliveHttpClient(URI.create("http://127.0.0.1:" + server.port()), T, T)) {
            List<Thread> threads = new ArrayList<>();
            AtomicInteger good = new AtomicInteger();
            for (int t = 0; t < 8; t++) {
                int id = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 40; i++) {
                        byte[] body = ("{\"client\":" + id + ",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                        try {
                            KeepAliveHttpClient.Response r = http.post("/echo", "application/json", body);
                            if (r.status() == 200 && java.util.Arrays.equals(body, r.body())) {
                                good.incrementAndGet();
                            }
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(320, good.get());
        } finally {
            server.stop();
        }
    }

    @Test
    void post_sequentialRequests_reuseOneConnection() throws Exception {
        try (Scripted s = new Scripted(n -> ok("{\"n\":" + n + "}"));
             KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, T)) {
            for (int i = 0; i < 5; i++) {
                KeepAliveHttpClient.Response r = http.post("/ct/v1/add-pre-chain", "application/json", ("{\"i\":" + i + "}").getBytes());
                assertEquals("{\"n\":" + i + "}", new String(r.body()));
            }
            assertEquals(1, s.accepted.get());
            assertEquals(List.of("{\"i\":0}", "{\"i\":1}", "{\"i\":2}", "{\"i\":3}", "{\"i\":4}"), s.bodies);
        }
    }

    @Test
    void post_serverClosedIdleConnection_retriedOnceOnANewOne() throws Exception {
        // Each connection answers one request, then closes without saying so.
        try (Scripted s = new Scripted(n -> n == 0 ? ok("{}") : null);
             KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, T)) {
            assertEquals(200, http.post("/x", "application/json", new byte[] {'1'}).status());
            Thread.sleep(100);
            assertEquals(200, http.post("/x", "application/json", new byte[] {'2'}).status());
            assertEquals(2, s.accepted.get());
        }
    }

    @Test
    void post_connectionClose_nextRequestOpensANewConnection() throws Exception {
        try (Scripted s = new Scripted(n -> "HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
             KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, T)) {
            assertEquals(201, http.post("/x", "text/plain", new byte[0]).status());
            assertEquals(201, http.post("/x", "text/plain", new byte[0]).status());
            assertEquals(2, s.accepted.get());
        }
    }

    @Test
    void post_chunkedAndInterimAnswers_bodyReassembled() throws Exception {
        try (Scripted s = new Scripted(n -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\n{\"a\"\r\n5\r\n:\"b\"}\r\n0\r\nX-Trailer: t\r\n\r\n");
             KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, T)) {
            KeepAliveHttpClient.Response r = http.post("/x", "application/json", new byte[0]);
            assertEquals(200, r.status());
            assertEquals("{\"a\":\"b\"}", new String(r.body()));
            assertEquals(200, http.post("/x", "application/json", new byte[0]).status(), "connection still usable");
            assertEquals(1, s.accepted.get());
        }
    }

    @Test
    void post_readToCloseAnswer_bodyUntilEof() throws Exception {
        try (Scripted s = new Scripted(n -> "HTTP/1.0 200 OK\r\n\r\nbody until close" + CLOSE);
             KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, T)) {
            assertEquals("body until close", new String(http.post("/x", "text/plain", new byte[0]).body()));
            assertEquals("body until close", new String(http.post("/x", "text/plain", new byte[0]).body()));
            assertEquals(2, s.accepted.get(), "a read-to-close answer ends the connection");
        }
    }

    @Test
    void post_hostileAnswers_clearErrors() throws Exception {
        String[] answers = {
            "garbage\r\n\r\n",
            "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffff\r\n",
            "HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n",
        };
        for (String answer : answers) {
            try (Scripted s = new Scripted(n -> answer);
                 KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, Duration.ofSeconds(2))) {
                IOException e = assertThrows(IOException.class, () -> http.post("/x", "application/json", new byte[0]), answer);
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), answer);
            }
        }
    }

    @Test
    void post_truncatedBodyOrNoAnswer_ioException() throws Exception {
        try (Scripted s = new Scripted(n -> n == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc" : null)) {
            // the server writes 3 of 10 bytes and then reads the next request, which never comes: time out
            try (KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, Duration.ofMillis(500))) {
                assertThrows(IOException.class, () -> http.post("/x", "text/plain", new byte[0]));
            }
        }
        try (Scripted s = new Scripted(n -> null);
             KeepAliveHttpClient http = new KeepAliveHttpClient(s.uri(), T, T)) {
            IOException e = assertThrows(IOException.class, () -> http.post("/x", "text/plain", new byte[0]));
            assertTrue(e.getMessage().contains("without answering"), e.getMessage());
        }
    }

    @Test
    void post_nobodyListening_ioException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (KeepAliveHttpClient http = new KeepAliveHttpClient(URI.create("http://127.0.0.1:" + port), T, T)) {
            assertThrows(IOException.class, () -> http.post("/x", "text/plain", new byte[0]));
        }
    }

    @Test
    void constructor_badUrlsOrTargets_refused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new KeepAliveHttpClient(URI.create("ftp://x/"), T, T));
        assertThrows(IllegalArgumentException.class, () -> new KeepAliveHttpClient(URI.create("/relative"), T, T));
        try (KeepAliveHttpClient http = new KeepAliveHttpClient(URI.create("http://127.0.0.1:1"), T, T)) {
            assertThrows(IllegalArgumentException.class, () -> http.post("no-slash", "text/plain", new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> http.post("/a b", "text/plain", new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> http.post("/a\r\nX: y", "text/plain", new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> http.post("/a", "text/plain\r\nX: y", new byte[0]));
        }
    }

    @Test
    void post_https_checksTrustAndHostName() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = g.generateKeyPair();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=ct-log"), BigInteger.TEN,
            Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Name("CN=ct-log"), key.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("tls", key.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/ct/v1/add-pre-chain", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, in.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(in);
            }
        });
        server.start();
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ct", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext clientTls = SSLContext.getInstance("TLS");
            clientTls.init(null, tmf.getTrustManagers(), null);
            int port = server.getAddress().getPort();
            try (KeepAliveHttpClient http = new KeepAliveHttpClient(URI.create("https://127.0.0.1:" + port), T, T, clientTls.getSocketFactory())) {
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(new byte[] {'h', 'i'}, http.post("/ct/v1/add-pre-chain", "text/plain", new byte[] {'h', 'i'}).body());
                }
            }
            try (KeepAliveHttpClient wrongName = new KeepAliveHttpClient(URI.create("https://localhost:" + port), T, T, clientTls.getSocketFactory())) {
                assertThrows(IOException.class, () -> wrongName.post("/ct/v1/add-pre-chain", "text/plain", new byte[0]), "name not in the certificate");
            }
            try (KeepAliveHttpClient untrusted = new KeepAliveHttpClient(URI.create("https://127.0.0.1:" + port), T, T)) {
                assertThrows(IOException.class, () -> untrusted.post("/ct/v1/add-pre-chain", "text/plain", new byte[0]), "default trust");
            }
        } finally {
            server.stop(0);
        }
    }
}
