package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.tlog.internal.Databases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby that cannot reach the sequencing replica refuses writes with a 503 a Rekor client can read: Rekor's
 * error model as JSON, labelled as JSON. go-openapi's client (rekor-cli, cosign) picks its consumer by Content-Type,
 * and a {@code text/plain} label makes it fail on the body instead of reporting the 503.
 */
final class TlogStandbyTest {
    @TempDir
    Path dataDir;

    @Test
    void post_holderUnreachable_answersJson503WithRetryAfter() throws Exception {
        // a lease needs PostgreSQL (H2 is single-process: always the holder)
        TlogServer.Config base = TlogServer.Config.defaults(dataDir).withApi(TlogServer.Api.REKOR_V1)
                .withJdbcUrl(Databases.postgres());
        // the holder advertises a URL nothing listens on (port 1), as after it died without releasing its lease
        try (TlogServer holder = TlogServer.start(base.withSelfUrl("http://127.0.0.1:1"), null);
                TlogServer standby = TlogServer.start(base, null)) {
            assertTrue(holder.holdsLease());
            assertFalse(standby.holdsLease());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + standby.port() + "/api/v1/log/entries"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode(), r.body());
            assertEquals("1", r.headers().firstValue("retry-after").orElse(null));
            assertEquals("application/json", r.headers().firstValue("content-type").orElse(null));
            JsonNode error = new ObjectMapper().readTree(r.body());
            assertEquals(503, error.path("code").asInt());
            assertEquals("the sequencing replica is unreachable; retry", error.path("message").asText());
        }
    }
}
