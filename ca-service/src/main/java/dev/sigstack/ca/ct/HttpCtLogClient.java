package dev.sigstack.ca.ct;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sigstack.core.ct.DigitallySigned;
import dev.sigstack.core.ct.MalformedCtDataException;
import dev.sigstack.core.ct.Sct;

/**
 * {@link CtLogClient} over HTTP: {@code POST {base}/ct/v1/add-pre-chain} with {@code {"chain": [base64 DER...]}}
 * (RFC 6962 §4.1), answer {@code {sct_version, id, timestamp, extensions, signature}}. Connections are kept and
 * reused ({@link KeepAliveHttpClient}); the request runs on the caller's (virtual) thread.
 */
public final class HttpCtLogClient implements CtLogClient, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI addPreChain;
    private final String target;
    private final KeepAliveHttpClient http;

    public HttpCtLogClient(URI logBase) {
        String base = logBase.toString().endsWith("/") ? logBase.toString() : logBase + "/";
        this.addPreChain = URI.create(base + "ct/v1/add-pre-chain");
        this.target = addPreChain.getRawPath();
        this.http = new KeepAliveHttpClient(addPreChain, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** Closes the kept connections. */
    @Override
    public void close() {
        http.close();
    }

    /** {@code {"chain":["<base64 DER>",...]}}: base64 needs no JSON escaping, so the bytes are written directly. */
    static byte[] requestBody(List<byte[]> chain) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + chain.stream().mapToInt(c -> c.length * 4 / 3 + 8).sum());
        out.writeBytes(CHAIN_OPEN);
        for (int i = 0; i < chain.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write('"');
            out.writeBytes(Base64.getEncoder().encode(chain.get(i)));
            out.write('"');
        }
        out.write(']');
        out.write('}');
        return out.toByteArray();
    }

    private static final byte[] CHAIN_OPEN = "{\"chain\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public Sct addPreChain(List<byte[]> chain) throws CtSubmissionException {
        byte[] body = requestBody(chain);
        KeepAliveHttpClient.Response res;
        try {
            res = http.post(target, "application/json", body);
        } catch (IOException | RuntimeException e) {
            throw new CtSubmissionException("CT log at " + addPreChain + " cannot be reached: " + e.getMessage(), e);
        }
        if (res.status() != 200) {
            throw new CtSubmissionException("CT log answered HTTP " + res.status() + " to add-pre-chain");
        }
        try {
            JsonNode n = JSON.readTree(res.body());
            if (n.path("sct_version").asInt(-1) != 0) {
                throw new CtSubmissionException("CT log answered an SCT of unsupported version");
            }
            return new Sct(Base64.getDecoder().decode(n.path("id").asText()), n.path("timestamp").asLong(),
                Base64.getDecoder().decode(n.path("extensions").asText("")),
                DigitallySigned.parse(Base64.getDecoder().decode(n.path("signature").asText())));
        } catch (IOException | IllegalArgumentException | MalformedCtDataException e) {
            throw new CtSubmissionException("CT log answered an invalid SCT: " + e.getMessage(), e);
        }
    }
}
