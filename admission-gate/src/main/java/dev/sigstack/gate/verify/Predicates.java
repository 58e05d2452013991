package dev.sigstack.gate.verify;

import java.util.Map;

/** cosign's short predicate type names and their URIs ({@code cmd/cosign/cli/options/predicate.go}). */
public final class Predicates {
    private static final Map<String, String> SHORT = Map.ofEntries(
            Map.entry("custom", "https://cosign.sigstore.dev/attestation/v1"),
            Map.entry("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
            Map.entry("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
            Map.entry("slsaprovenance1", "https://slsa.dev/provenance/v1"),
            Map.entry("link", "https://in-toto.io/Link/v1"),
            Map.entry("spdx", "https://spdx.dev/Document"),
            Map.entry("spdxjson", "https://spdx.dev/Document"),
            Map.entry("cyclonedx", "https://cyclonedx.org/bom"),
            Map.entry("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
            Map.entry("openvex", "https://openvex.dev/ns"));

    private Predicates() {
    }

    /** The URI for a short name, or the argument itself. */
    public static String uri(String predicateType) {
        return SHORT.getOrDefault(predicateType, predicateType);
    }
}
