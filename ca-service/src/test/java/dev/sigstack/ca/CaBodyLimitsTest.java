package dev.sigstack.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.ca.http.SigningCertService;
import dev.sigstack.ca.testing.TestStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CA's HTTP server refuses a body over its limit (256 KiB) with 413 and a JSON error, with a Content-Length or
 * chunked, over a raw socket on loopback: Fulcio's model on the signing endpoints, timestamp-authority's on the TSA.
 */
class CaBodyLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LIMIT = SigningCertService.MAX_BODY_BYTES;
    @TempDir
    static Path dir;
    private static TestStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = new TestStack(dir, -1);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @ParameterizedTest(name = "{0} chunked={1}")
    @CsvSource({
        "/api/v2/signingCert, false, 8", "/api/v2/signingCert, true, 8",
        "/api/v1/signingCert, false, 8", "/api/v1/signingCert, true, 8",
        "/api/v1/timestamp, false, 413", "/api/v1/timestamp, true, 413"})
    void post_overServerLimit_413Json(String path, boolean chunked, int code) throws Exception {
        int port = URI.create(stack.baseUrl()).getPort();
        Answer a = post(port, path, LIMIT + 1, chunked);
        assertEquals(413, a.status, a.body);
        assertTrue(a.headers.getOrDefault("content-type", "").startsWith("application/json"), a.headers.toString());
        JsonNode error = JSON.readTree(a.body);
        assertEquals(code, error.path("code").asInt(), a.body);
        assertFalse(error.path("message").asText().isEmpty(), a.body);
    }

    record Answer(int status, Map<String, String> headers, String body) { }

    /**
     * POSTs {@code size} bytes (a Content-Length, of which only the first 64 KiB are sent, or 64 KiB chunks) from a
     * writer thread while the answer is read: a server that refuses early closes, and the writer stops there.
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
                    Arrays.fill(chunk, (byte) 'x');
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
                    // refused and closed before the whole body was sent
                }
            });
            try {
                return read(s.getInputStream());
            } finally {
                writer.join(30_000);
            }
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
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
        return new Answer(Integer.parseInt(status.substring(9, 12)), headers, body.toString(StandardCharsets.UTF_8));
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
