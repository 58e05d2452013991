package dev.sigstack.gate.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Records a pod admitted in a break-glass namespace: a WARNING log line, a metric, and (when configured) a JSON POST
 * to the alert webhook, sent asynchronously so the admission is never delayed by it.
 */
final class BreakGlassAudit {
    private static final System.Logger LOG = System.getLogger("dev.sigstack.gate.breakglass");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GateMetrics metrics;
    private final URI webhook;
    private final HttpClient http;

    BreakGlassAudit(GateMetrics metrics, URI webhook) {
        this.metrics = metrics;
        this.webhook = webhook;
        this.http = webhook == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    void record(String namespace, String kind, String name, String user, List<String> images) {
        metrics.breakGlass();
        ObjectNode alert = JSON.createObjectNode();
        alert.put("event", "break-glass-admission");
        alert.put("time", Instant.now().toString());
        alert.put("namespace", namespace);
        alert.put("kind", kind);
        alert.put("name", name);
        alert.put("user", user);
        alert.putPOJO("images", images);
        LOG.log(System.Logger.Level.WARNING, "BREAK-GLASS admission without verification: " + alert);
        if (webhook != null) {
            http.sendAsync(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(alert.toString())).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e != null || r.statusCode() >= 300) {
                            LOG.log(System.Logger.Level.ERROR, "break-glass alert webhook failed: "
                                    + (e != null ? e.toString() : "HTTP " + r.statusCode()));
                        }
                    });
        }
    }
}
