package dev.sigstack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The signer's HTTP calls (JDK client): one POST, a bounded answer, and an error that says what went wrong. */
final class SigstoreHttp {
    static final int MAX_ANSWER = 8 * 1024 * 1024;
    private final HttpClient client;

    SigstoreHttp() {
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** POSTs {@code body}; returns the answer of a 2xx status, else throws with the status and the answer's start. */
    byte[] post(String what, URI uri, String contentType, String accept, byte[] body) throws CliFailure {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).header("Accept", accept)
                .header("User-Agent", "sigstack-cli/0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new CliFailure(what + ": POST " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(what + ": interrupted", e);
        }
        byte[] answer;
        try (InputStream in = resp.body()) {
            answer = in.readNBytes(MAX_ANSWER + 1);
        } catch (IOException e) {
            throw new CliFailure(what + ": reading the answer of " + uri + " failed: " + e, e);
        }
        if (answer.length > MAX_ANSWER) {
            throw new CliFailure(what + ": answer of " + uri + " exceeds " + MAX_ANSWER + " bytes");
        }
        if (resp.statusCode() / 100 != 2) {
            String text = new String(answer, 0, Math.min(answer.length, 500), StandardCharsets.UTF_8).strip();
            throw new CliFailure(what + ": POST " + uri + " answered HTTP " + resp.statusCode()
                    + (text.isEmpty() ? "" : ": " + text));
        }
        return answer;
    }
}
