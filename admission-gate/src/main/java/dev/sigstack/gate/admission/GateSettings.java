package dev.sigstack.gate.admission;

import java.net.URI;
import java.util.Objects;

/**
 * Webhook settings.
 *
 * @param mutation which kinds the mutating path pins to digests
 * @param includeLabel the namespace label (value {@code true}) that opts a namespace in
 * @param breakGlassLabel the namespace label (value {@code true}) that marks a break-glass namespace
 * @param breakGlassWebhook where break-glass alerts are POSTed, or null
 */
public record GateSettings(Mutation mutation, String includeLabel, String breakGlassLabel, URI breakGlassWebhook) {
    /** Tag-to-digest mutation scope. */
    public enum Mutation { OFF, PODS, ALL }

    public GateSettings {
        Objects.requireNonNull(mutation, "mutation");
        Objects.requireNonNull(includeLabel, "includeLabel");
        Objects.requireNonNull(breakGlassLabel, "breakGlassLabel");
    }

    /** policy-controller's include label, mutation of all kinds, break-glass label {@code sigstack.dev/break-glass}. */
    public static GateSettings defaults() {
        return new GateSettings(Mutation.ALL, "policy.sigstore.dev/include", "sigstack.dev/break-glass", null);
    }
}
