package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One alert, as it goes to the log line, the metrics and the webhook.
 *
 * @param type what happened
 * @param time when the monitor saw it
 * @param logIndex the entry's log index, or -1 when the alert is about the log itself
 * @param uuid the entry's UUID (80 hex with a tree ID, else 64 hex), or null
 * @param identity the decoded identity, or null
 * @param message a human-readable explanation
 * @param details extra JSON (the break-glass event, checkpoints of a fork, ...), or null
 */
record Alert(AlertType type, Instant time, long logIndex, String uuid, SignerIdentity identity, String message,
        ObjectNode details) {
    Alert {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
    }

    static Alert ofLog(AlertType type, String message, ObjectNode details) {
        return new Alert(type, Instant.now(), -1, null, null, message, details);
    }

    static Alert ofEntry(AlertType type, long index, String uuid, SignerIdentity identity, String message) {
        return new Alert(type, Instant.now(), index, uuid, identity, message, null);
    }

    /** The alert as JSON: the webhook body and the log line. */
    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", type.label());
        o.put("severity", type.severity().name().toLowerCase(java.util.Locale.ROOT));
        o.put("time", time.toString());
        if (logIndex >= 0) {
            o.put("logIndex", logIndex);
        }
        if (uuid != null) {
            o.put("uuid", uuid);
        }
        if (identity != null) {
            o.set("identity", identity.toJson());
        }
        o.put("message", message);
        // Slack- and Mattermost-style incoming webhooks display "text".
        o.put("text", "[" + type.severity().name() + "] sigstack log monitor: " + message);
        if (details != null) {
            o.set("details", details);
        }
        return o;
    }
}
