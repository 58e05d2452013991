package dev.sigstack.gate.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code config-policy-controller} ConfigMap: what to do with an image no policy matches, and whether a policy
 * without authorities is refused. Defaults and parsing as policy-controller's {@code pkg/config/store.go}.
 *
 * @param noMatchPolicy deny, warn or allow
 * @param failOnEmptyAuthorities refuse a ClusterImagePolicy with no authorities
 * @param enableOci11 look attestations up with the OCI 1.1 referrers API as well
 */
public record GateConfig(NoMatchPolicy noMatchPolicy, boolean failOnEmptyAuthorities, boolean enableOci11) {
    /** The ConfigMap's name. */
    public static final String CONFIGMAP_NAME = "config-policy-controller";

    /** What happens to an image that no policy matches. */
    public enum NoMatchPolicy { DENY, WARN, ALLOW }

    public GateConfig {
        Objects.requireNonNull(noMatchPolicy, "noMatchPolicy");
    }

    /** deny, fail on empty authorities, no OCI 1.1. */
    public static GateConfig defaults() {
        return new GateConfig(NoMatchPolicy.DENY, true, false);
    }

    /**
     * From a ConfigMap's {@code data}. An unknown {@code no-match-policy} means deny (fail closed); a boolean that
     * does not parse is an error, as in upstream.
     */
    public static GateConfig fromData(Map<String, String> data) {
        NoMatchPolicy noMatch = switch (String.valueOf(data.get("no-match-policy"))) {
            case "allow" -> NoMatchPolicy.ALLOW;
            case "warn" -> NoMatchPolicy.WARN;
            default -> NoMatchPolicy.DENY;
        };
        boolean failOnEmpty = data.containsKey("fail-on-empty-authorities")
                ? parseBool("fail-on-empty-authorities", data.get("fail-on-empty-authorities")) : true;
        boolean oci11 = data.containsKey("enable-oci11") && parseBool("enable-oci11", data.get("enable-oci11"));
        return new GateConfig(noMatch, failOnEmpty, oci11);
    }

    /** Go's {@code strconv.ParseBool}. */
    static boolean parseBool(String key, String value) {
        return switch (value == null ? "" : value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new IllegalArgumentException(
                    "config-policy-controller: " + key + ": strconv.ParseBool: parsing \"" + value
                            + "\": invalid syntax");
        };
    }

    /** The value as written in the ConfigMap. */
    public String noMatchPolicyName() {
        return noMatchPolicy.name().toLowerCase(Locale.ROOT);
    }
}
