package dev.sigstack.gate.admission;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Webhook settings.
 *
 * @param mutation which kinds the mutating path pins to digests
 * @param includeLabel the namespace label (value {@code true}) that opts a namespace in, with the default selector
 * @param breakGlassLabel the namespace label (value {@code true}) that marks a break-glass namespace
 * @param breakGlassWebhook where break-glass alerts are POSTed, or null
 * @param namespaceSelector the enforcing webhooks' namespaceSelector, as the chart registers it: a request from a
 *     namespace it selects is enforced, and one from a namespace the gate has not seen is read from the API server
 * @param reviewTimeout the longest a review may take: past it the review is answered, refused (fail closed), while
 *        the verification goes on in the background; below the webhook's {@code timeoutSeconds}
 */
public record GateSettings(Mutation mutation, String includeLabel, String breakGlassLabel, URI breakGlassWebhook,
        NamespaceSelector namespaceSelector, Duration reviewTimeout) {
    /** The default review deadline: 2 s under the webhook's default {@code timeoutSeconds} of 10. */
    public static final Duration REVIEW_TIMEOUT = Duration.ofSeconds(8);

    /** Tag-to-digest mutation scope. */
    public enum Mutation { OFF, PODS, ALL }

    public GateSettings {
        Objects.requireNonNull(mutation, "mutation");
        Objects.requireNonNull(includeLabel, "includeLabel");
        Objects.requireNonNull(breakGlassLabel, "breakGlassLabel");
        Objects.requireNonNull(namespaceSelector, "namespaceSelector");
        Objects.requireNonNull(reviewTimeout, "reviewTimeout");
        if (reviewTimeout.isNegative() || reviewTimeout.isZero()) {
            throw new IllegalArgumentException("reviewTimeout must be positive");
        }
    }

    /** With the default review deadline. */
    public GateSettings(Mutation mutation, String includeLabel, String breakGlassLabel, URI breakGlassWebhook,
            NamespaceSelector namespaceSelector) {
        this(mutation, includeLabel, breakGlassLabel, breakGlassWebhook, namespaceSelector, REVIEW_TIMEOUT);
    }

    /** With policy-controller's opt-in selector: {@code includeLabel In ["true"]}. */
    public GateSettings(Mutation mutation, String includeLabel, String breakGlassLabel, URI breakGlassWebhook,
            Duration reviewTimeout) {
        this(mutation, includeLabel, breakGlassLabel, breakGlassWebhook, NamespaceSelector.optIn(includeLabel),
                reviewTimeout);
    }

    /** With policy-controller's opt-in selector and the default review deadline. */
    public GateSettings(Mutation mutation, String includeLabel, String breakGlassLabel, URI breakGlassWebhook) {
        this(mutation, includeLabel, breakGlassLabel, breakGlassWebhook, NamespaceSelector.optIn(includeLabel));
    }

    /** policy-controller's include label, mutation of all kinds, break-glass label {@code sigstack.dev/break-glass}. */
    public static GateSettings defaults() {
        return new GateSettings(Mutation.ALL, "policy.sigstore.dev/include", "sigstack.dev/break-glass", null);
    }
}
