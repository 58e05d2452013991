package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends alerts out: one log line each (logger {@code dev.sigstack.monitor.alerts}, the alert as JSON), a metric,
 * and, when configured, an HTTP POST of the alert JSON to a webhook. Alerts are first committed to the store's
 * outbox; webhook delivery is retried until the webhook answers 2xx, so it is at-least-once across restarts.
 */
final class AlertDispatcher {
    static final Logger ALERTS = Logger.getLogger("dev.sigstack.monitor.alerts");
    private static final Logger LOG = Logger.getLogger(AlertDispatcher.class.getName());

    private final MonitorStore store;
    private final MonitorMetrics metrics;
    private final URI webhook;
    private final HttpClient http;
    private volatile String webhookToken;

    /** @param webhook where to POST alerts, or null to keep them in the log and metrics only */
    AlertDispatcher(MonitorStore store, MonitorMetrics metrics, URI webhook, javax.net.ssl.SSLContext tls) {
        this.store = store;
        this.metrics = metrics;
        this.webhook = webhook;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
        store.outbox(webhook != null);
    }

    /** Sends {@code Authorization: Bearer <token>} with every webhook POST (null: no header). */
    void webhookToken(String token) {
        this.webhookToken = token;
    }

    /** Records alerts that are not tied to a batch of entries, then announces and delivers them. */
    void raise(List<Alert> alerts) throws SQLException {
        if (alerts.isEmpty()) {
            return;
        }
        store.addAlerts(alerts);
        announce(alerts);
        deliver();
    }

    /** Log line and metric for alerts that were just committed. */
    void announce(List<Alert> alerts) {
        for (Alert a : alerts) {
            metrics.alert(a.type());
            Level level = a.type().severity() == AlertType.Severity.WARNING ? Level.WARNING : Level.SEVERE;
            ALERTS.log(level, "ALERT " + a.toJson());
        }
    }

    /**
     * Delivers outbox alerts to the webhook, oldest first; stops at the first failure (retried next time). One
     * delivery at a time, so the poll thread and a break-glass request never post the same alert twice.
     */
    synchronized void deliver() throws SQLException {
        if (webhook == null) {
            for (MonitorStore.PendingAlert p : store.undelivered(1000)) {
                store.markDelivered(p.id());
            }
            return;
        }
        List<MonitorStore.PendingAlert> pending = store.undelivered(100);
        for (MonitorStore.PendingAlert p : pending) {
            if (!post(p.body())) {
                metrics.webhookFailures.increment();
                break;
            }
            store.markDelivered(p.id());
        }
        metrics.pendingWebhookAlerts.set(store.undelivered(1000).size());
    }

    private boolean post(ObjectNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        String token = webhookToken;
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpRequest req = b.build();
        try {
            HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
            if (res.statusCode() / 100 == 2) {
                return true;
            }
            LOG.warning("alert webhook " + webhook + " answered HTTP " + res.statusCode() + "; will retry");
        } catch (IOException e) {
            LOG.warning("alert webhook " + webhook + " is unreachable: " + e + "; will retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
