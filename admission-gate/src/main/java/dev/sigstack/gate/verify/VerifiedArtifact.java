package dev.sigstack.gate.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A signature or attestation that verified.
 *
 * @param id the signature's identifier (layer digest)
 * @param subject the signer's certificate identity, or "" for a key
 * @param issuer the OIDC issuer, or "" for a key
 * @param statement the in-toto statement of an attestation, or null for a signature
 * @param extensions the certificate's GitHub extensions (policy-controller's names), possibly empty
 */
public record VerifiedArtifact(String id, String subject, String issuer, JsonNode statement,
        java.util.Map<String, String> extensions) {
    public VerifiedArtifact {
        Objects.requireNonNull(id, "id");
        subject = subject == null ? "" : subject;
        issuer = issuer == null ? "" : issuer;
        extensions = extensions == null ? java.util.Map.of() : java.util.Map.copyOf(extensions);
    }

    /** Without extensions. */
    public VerifiedArtifact(String id, String subject, String issuer, JsonNode statement) {
        this(id, subject, issuer, statement, null);
    }

    /** As policy-controller's PolicySignature JSON: id, subject, issuer and the GitHub extensions inline. */
    java.util.Map<String, Object> asPolicySignature() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", id);
        m.put("subject", subject);
        m.put("issuer", issuer);
        m.putAll(extensions);
        return m;
    }
}
