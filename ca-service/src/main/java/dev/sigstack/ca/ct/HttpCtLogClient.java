package dev.sigstack.ca.ct;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * (RFC 6962 §4.1), answer {@code {sct_version, id, timestamp, extensions, signature}}.
 */
public final class HttpCtLogClient implements CtLogClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI addPreChain;
    private final HttpClient http;

    public HttpCtLogClient(URI logBase) {
        String base = logBase.toString().endsWith("/") ? logBase.toString() : logBase + "/";
        this.addPreChain = URI.create(base + "ct/v1/add-pre-chain");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public Sct addPreChain(List<byte[]> chain) throws CtSubmissionException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode arr = body.putArray("chain");
        for (byte[] c : chain) {
            arr.add(Base64.getEncoder().encodeToString(c));
        }
        HttpResponse<byte[]> res;
        try {
            res = http.send(HttpRequest.newBuilder(addPreChain).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | RuntimeException e) {
            throw new CtSubmissionException("CT log at " + addPreChain + " cannot be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtSubmissionException("interrupted while submitting to the CT log", e);
        }
        if (res.statusCode() != 200) {
            throw new CtSubmissionException("CT log answered HTTP " + res.statusCode() + " to add-pre-chain");
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
