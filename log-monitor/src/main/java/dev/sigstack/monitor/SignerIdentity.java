package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who signed an entry, as decoded from its certificate or key.
 *
 * @param keyId {@code sha256:<hex>} of the key's or certificate's canonical PEM (Rekor's public-key index key)
 * @param subject the certificate's SAN (e-mail, URI or {@code user!domain}), or null for a bare key
 * @param issuer the OIDC issuer: extension {@code 1.3.6.1.4.1.57264.1.8}, else the deprecated {@code .1}; null
 *     for a bare key or a certificate without Fulcio extensions
 * @param issuerV1 the raw value of {@code 1.3.6.1.4.1.57264.1.1}, or null
 * @param issuerV2 the value of {@code 1.3.6.1.4.1.57264.1.8}, or null
 * @param ci the CI extensions that are set (workflow, repository, ref, and the {@code .9}–{@code .24} claims)
 */
record SignerIdentity(String keyId, String subject, String issuer, String issuerV1, String issuerV2,
        Map<String, String> ci) {
    SignerIdentity {
        if (keyId == null || !keyId.startsWith("sha256:")) {
            throw new IllegalArgumentException("key id must be sha256:<hex>");
        }
        ci = ci == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(ci));
    }

    boolean isCertificate() {
        return subject != null;
    }

    /** The source repository the certificate names: {@code .12} sourceRepositoryUri, else {@code .5}. */
    String repository() {
        String r = ci.get("sourceRepositoryUri");
        return r != null ? r : ci.get("githubWorkflowRepository");
    }

    /** The (subject, issuer) pair as one printable string; keys print as {@code key sha256:...}. */
    String pair() {
        return subject == null ? "key " + keyId : subject + " (issuer " + issuer + ")";
    }

    ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (subject != null) {
            o.put("subject", subject);
            if (issuer != null) {
                o.put("issuer", issuer);
            }
            if (issuerV1 != null) {
                o.put("issuerV1", issuerV1);
            }
            if (issuerV2 != null) {
                o.put("issuerV2", issuerV2);
            }
        }
        o.put("keyId", keyId);
        if (!ci.isEmpty()) {
            ObjectNode c = o.putObject("ci");
            ci.forEach(c::put);
        }
        return o;
    }
}
