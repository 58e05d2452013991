package dev.sigstack.monitor;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The monitor's Prometheus metrics, rendered in the text exposition format (version 0.0.4). */
final class MonitorMetrics {
    final LongAdder entriesChecked = new LongAdder();
    final LongAdder checkpointsVerified = new LongAdder();
    final LongAdder logReadErrors = new LongAdder();
    final LongAdder webhookFailures = new LongAdder();
    final AtomicLong verifiedTreeSize = new AtomicLong();
    final AtomicLong nextIndex = new AtomicLong();
    final AtomicLong lastNewCheckpointEpochSeconds = new AtomicLong();
    final AtomicLong pendingWebhookAlerts = new AtomicLong();
    private final Map<AlertType, LongAdder> alerts = new EnumMap<>(AlertType.class);

    MonitorMetrics() {
        for (AlertType t : AlertType.values()) {
            alerts.put(t, new LongAdder());
        }
    }

    void alert(AlertType type) {
        alerts.get(type).increment();
    }

    long alerts(AlertType type) {
        return alerts.get(type).sum();
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        counter(sb, "sigstack_monitor_entries_checked_total", "log entries decoded and checked against the allowlist",
                entriesChecked.sum());
        counter(sb, "sigstack_monitor_checkpoints_verified_total", "new checkpoints verified (signature and consistency)",
                checkpointsVerified.sum());
        counter(sb, "sigstack_monitor_log_read_errors_total", "failed reads of the log", logReadErrors.sum());
        counter(sb, "sigstack_monitor_webhook_failures_total", "failed webhook deliveries (retried)", webhookFailures.sum());
        sb.append("# HELP sigstack_monitor_alerts_total alerts raised, by type\n");
        sb.append("# TYPE sigstack_monitor_alerts_total counter\n");
        alerts.forEach((t, n) -> sb.append("sigstack_monitor_alerts_total{type=\"").append(t.label())
                .append("\",severity=\"").append(t.severity().name().toLowerCase(Locale.ROOT)).append("\"} ")
                .append(n.sum()).append('\n'));
        gauge(sb, "sigstack_monitor_verified_tree_size", "size of the last verified checkpoint", verifiedTreeSize.get());
        gauge(sb, "sigstack_monitor_next_index", "the next log index to check", nextIndex.get());
        gauge(sb, "sigstack_monitor_last_new_checkpoint_timestamp_seconds",
                "when the monitor last saw a new checkpoint (unix time)", lastNewCheckpointEpochSeconds.get());
        gauge(sb, "sigstack_monitor_pending_webhook_alerts", "alerts waiting for webhook delivery",
                pendingWebhookAlerts.get());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(v).append('\n');
    }
}
