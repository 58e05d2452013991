package dev.sigstack.ca.identity;

import java.util.Objects;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * A token whose signature, issuer, audience and validity window were verified.
 *
 * @param issuer the issuer config the token matched
 * @param claims the token's claims
 */
public record VerifiedToken(OidcIssuer issuer, JWTClaimsSet claims) {
    public VerifiedToken {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(claims, "claims");
    }

    @Override
    public String toString() {
        return "VerifiedToken[issuer=" + issuer.issuerUrl() + "]";
    }
}
