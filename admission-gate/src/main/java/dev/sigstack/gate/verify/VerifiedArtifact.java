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
 */
public record VerifiedArtifact(String id, String subject, String issuer, JsonNode statement) {
    public VerifiedArtifact {
        Objects.requireNonNull(id, "id");
        subject = subject == null ? "" : subject;
        issuer = issuer == null ? "" : issuer;
    }
}
