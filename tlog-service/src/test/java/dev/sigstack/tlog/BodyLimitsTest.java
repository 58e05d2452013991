package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.tlog.ct.CtLogService;
import dev.sigstack.tlog.internal.Databases;
import dev.sigstack.tlog.rekor.RekorLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every write endpoint of the log servers refuses a body over its limit with 413 and the error JSON, whether the
 * body has a Content-Length or comes in chunks, over a raw socket on loopback: Rekor v1 (entries, retrieve,
 * index search, cosignatures), Rekor v2, the CT log (add-chain, add-pre-chain), a tiles-only log's cosignatures,
 * and a standby that forwards writes to the holder of the lease.
 */
final class BodyLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long REKOR = RekorLimits.DEFAULTS.maxRequestBytes();
    private static final long COSIG = CosignatureService.MAX_BODY;
    private static final long CT = CtLogService.MAX_BODY;

    @TempDir
    static Path dir;
    private static final Map<TlogServer.Api, TlogServer> SERVERS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        KeyPair ca = TestKeys.p256();
        for (TlogServer.Api api : TlogServer.Api.values()) {
            Path d = dir.resolve(api.name().toLowerCase(Locale.ROOT));
            SERVERS.put(api, TlogServer.start(TlogServer.Config.defaults(d).withHostname("limits.test")
                    .withCtRoots(api == TlogServer.Api.CT ? List.of(TestKeys.certificate(ca, null)) : null)
                    .withApi(api), null));
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TlogServer::close);
    }

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of(TlogServer.Api.REKOR_V1, "/api/v1/log/entries", REKOR),
                Arguments.of(TlogServer.Api.REKOR_V1, "/api/v1/log/entries/retrieve", REKOR),
                Arguments.of(TlogServer.Api.REKOR_V1, "/api/v1/index/retrieve", REKOR),
                Arguments.of(TlogServer.Api.REKOR_V1, "/checkpoint/cosignatures", COSIG),
                Arguments.of(TlogServer.Api.REKOR_V2, "/api/v2/log/entries", REKOR),
                Arguments.of(TlogServer.Api.CT, "/ct/v1/add-chain", CT),
                Arguments.of(TlogServer.Api.CT, "/ct/v1/add-pre-chain", CT),
                Arguments.of(TlogServer.Api.CT, "/checkpoint/cosignatures", COSIG),
                Arguments.of(TlogServer.Api.TILES_ONLY, "/checkpoint/cosignatures", COSIG));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void post_contentLengthOverLimit_413ErrorJson(TlogServer.Api api, String path, long limit) throws Exception {
        Answer a = post(SERVERS.get(api).port(), path, limit + 1, false);
        assertTooLarge(a, api, limit);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endpoints")
    void post_chunkedOverLimit_413ErrorJson(TlogServer.Api api, String path, long limit) throws Exception {
        Answer a = post(SERVERS.get(api).port(), path, limit + 1, true);
        assertTooLarge(a, api, limit);
    }

    /** The bound is the limit, not less: a chunked body of exactly the limit is read and refused as bad input. */
    @Test
    void post_chunkedAtLimit_readAndJudgedOnItsContent() throws Exception {
        Answer cosig = post(SERVERS.get(TlogServer.Api.TILES_ONLY).port(), "/checkpoint/cosignatures", COSIG, true);
        assertEquals(400, cosig.status, cosig.body);
        Answer ct = post(SERVERS.get(TlogServer.Api.CT).port(), "/ct/v1/add-chain", CT, true);
        assertEquals(400, ct.status, ct.body);
    }

    /** A standby relays writes to the holder; it refuses an oversized one itself, without relaying it. */
    @Test
    void standby_forwardedWriteOverLimit_413ErrorJson_honestWriteRelayed() throws Exception {
        String url = Databases.postgres(); // a lease needs PostgreSQL (H2 is single-process: always the holder)
        int holderPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            holderPort = s.getLocalPort();
        }
        TlogServer.Config base = TlogServer.Config.defaults(dir.resolve("standby")).withHostname("limits.test")
                .withApi(TlogServer.Api.REKOR_V1).withJdbcUrl(url);
        try (TlogServer holder = TlogServer.start(base.withPort(holderPort)
                        .withSelfUrl("http://127.0.0.1:" + holderPort), null);
                TlogServer standby = TlogServer.start(base, null)) {
            assertTrue(holder.holdsLease());
            assertFalse(standby.holdsLease());
            KeyPair kp = TestKeys.p256();
            byte[] honest = HashedRekords.proposed(kp, TestKeys.pem(kp), "relayed".getBytes(StandardCharsets.UTF_8));
            Answer relayed = post(standby.port(), "/api/v1/log/entries", honest);
            assertEquals(201, relayed.status, relayed.body);
            long before = holder.engine().checkpoint().size();
            assertTooLarge(post(standby.port(), "/api/v1/log/entries", REKOR + 1, false), TlogServer.Api.REKOR_V1, REKOR);
            assertTooLarge(post(standby.port(), "/api/v1/log/entries", REKOR + 1, true), TlogServer.Api.REKOR_V1, REKOR);
            assertTooLarge(post(standby.port(), "/checkpoint/cosignatures", REKOR + 1, true), TlogServer.Api.REKOR_V1,
                    REKOR);
            assertEquals(before, holder.engine().checkpoint().size());
        }
    }

    /**
     * A standby bounds what it relays back too: a holder whose answer is over 4 MiB, or whose answer stops
     * mid-body, gets the client a 503 with the error JSON (the latter within the 30 s forwarding deadline), never
     * an unbounded buffer or a thread held for good.
     */
    @Test
    void standby_holderAnswersTooMuchOrStalls_503ErrorJson() throws Exception {
        String url = Databases.postgres();
        try (ServerSocket fake = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicBoolean stall = new java.util.concurrent.atomic.AtomicBoolean();
            Thread holderStandIn = Thread.ofPlatform().daemon().start(() -> serveFakeHolder(fake, stall));
            TlogServer.Config base = TlogServer.Config.defaults(dir.resolve("fake-holder")).withHostname("limits.test")
                    .withApi(TlogServer.Api.REKOR_V1).withJdbcUrl(url);
            // the lease holder advertises the stand-in's URL: the standby forwards writes there
            try (TlogServer holder = TlogServer.start(base.withSelfUrl("http://127.0.0.1:" + fake.getLocalPort()), null);
                    TlogServer standby = TlogServer.start(base, null)) {
                assertTrue(holder.holdsLease());
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                Answer big = post(standby.port(), "/api/v1/log/entries", body);
                assertEquals(503, big.status, big.body);
                assertEquals("the sequencing replica's answer is too large to relay; retry",
                        JSON.readTree(big.body).path("message").asText());
                stall.set(true);
                long t0 = System.nanoTime();
                Answer stalled = post(standby.port(), "/api/v1/log/entries", body);
                long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
                assertEquals(503, stalled.status, stalled.body);
                assertEquals("the sequencing replica did not answer in time; retry",
                        JSON.readTree(stalled.body).path("message").asText());
                assertTrue(seconds >= 29 && seconds < 45, "answered after " + seconds + " s");
            } finally {
                holderStandIn.interrupt();
            }
        }
    }

    /**
     * Stands in for a holder: reads each request, then answers 201 with a 5 MiB body, or (while {@code stall}) with
     * the headers of a 1,000-byte body of which it sends 10 bytes and then nothing.
     */
    private static void serveFakeHolder(ServerSocket fake, java.util.concurrent.atomic.AtomicBoolean stall) {
        while (!fake.isClosed()) {
            try {
                Socket s = fake.accept();
                Thread.ofPlatform().daemon().start(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        int length = 0;
                        for (String h = line(in); !h.isEmpty(); h = line(in)) {
                            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                                length = Integer.parseInt(h.substring(15).trim());
                            }
                        }
                        in.readNBytes(length);
                        OutputStream out = s.getOutputStream();
                        int size = stall.get() ? 1000 : 5 << 20;
                        out.write(("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: " + size
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(new byte[stall.get() ? 10 : size]);
                        out.flush();
                        Thread.sleep(60_000); // never sends the rest; the standby must give up first
                    } catch (IOException | InterruptedException e) {
                        // the standby closed, or the test ended
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void assertTooLarge(Answer a, TlogServer.Api api, long limit) throws IOException {
        assertEquals(413, a.status, a.body);
        assertTrue(a.headers.getOrDefault("content-type", "").startsWith("application/json"), a.headers.toString());
        JsonNode error = JSON.readTree(a.body);
        // Rekor's error model; Rekor v2's grpc-gateway puts the gRPC code there (8: RESOURCE_EXHAUSTED)
        assertEquals(api == TlogServer.Api.REKOR_V2 ? 8 : 413, error.path("code").asInt(), a.body);
        assertEquals("Request Entity Too Large. Limit set to " + limit, error.path("message").asText(), a.body);
    }

    record Answer(int status, Map<String, String> headers, String body) { }

    /** POSTs an honest body with its Content-Length. */
    private static Answer post(int port, String path, byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(90_000); // beyond the standby's 30 s forwarding deadline
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /**
     * POSTs {@code size} bytes of 'x' (declared with a Content-Length, or in 64 KiB chunks) from a writer thread,
     * and reads the answer while it writes: a server that refuses early closes the connection, and the writer stops
     * at the broken pipe. With a Content-Length, only the first 64 KiB are sent before the answer is awaited.
     */
    private static Answer post(int port, String path, long size, boolean chunked) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + size;
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + framing + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    long left = chunked ? size : Math.min(size, chunk.length);
                    while (left > 0) {
                        int n = (int) Math.min(chunk.length, left);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(chunk, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        left -= n;
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before the whole body was sent: expected when it refuses early
                }
            });
            try {
                return read(s.getInputStream());
            } finally {
                writer.join(30_000);
            }
        }
    }

    /** Reads one HTTP/1.1 answer: status line, headers, and a Content-Length or chunked body. */
    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int c = h.indexOf(':');
            headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
        }
        return new Answer(Integer.parseInt(status.substring(9, 12)), headers,
                body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-answer after: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
