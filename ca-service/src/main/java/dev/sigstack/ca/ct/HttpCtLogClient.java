package dev.sigstack.ca.ct;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    @Override
    public Sct addPreChain(List<byte[]> chain) throws CtSubmissionException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode arr = body.putArray("chain");
        for (byte[] c : chain) {
            arr.add(Base64.getEncoder().encodeToString(c));
        }
        KeepAliveHttpClient.Response res;
        try {
            res = http.post(target, "application/json", JSON.writeValueAsBytes(body));
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
