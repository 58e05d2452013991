package dev.sigstack.ca.ct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

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
    private final WebClient http;

    public HttpCtLogClient(URI logBase) {
        String base = logBase.toString().endsWith("/") ? logBase.toString() : logBase + "/";
        this.addPreChain = URI.create(base + "ct/v1/add-pre-chain");
        // Helidon's blocking client: cheap on the virtual thread that serves the CA request, keeps connections alive.
        this.http = WebClient.builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(30))
            .shareConnectionCache(false).build();
    }

    @Override
    public Sct addPreChain(List<byte[]> chain) throws CtSubmissionException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode arr = body.putArray("chain");
        for (byte[] c : chain) {
            arr.add(Base64.getEncoder().encodeToString(c));
        }
        int status;
        byte[] answer;
        try (HttpClientResponse res = http.post().uri(addPreChain).header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(JSON.writeValueAsBytes(body))) {
            status = res.status().code();
            answer = res.as(byte[].class);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new CtSubmissionException("CT log at " + addPreChain + " cannot be reached: " + e.getMessage(), e);
        }
        if (status != 200) {
            throw new CtSubmissionException("CT log answered HTTP " + status + " to add-pre-chain");
        }
        try {
            JsonNode n = JSON.readTree(answer);
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
