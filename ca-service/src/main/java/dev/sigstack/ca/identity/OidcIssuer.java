package dev.sigstack.ca.identity;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One issuer of Fulcio's identity config ({@code OIDCIssuer} in fulcio {@code pkg/config/config.go}).
 *
 * @param issuerUrl             expected {@code iss}
 * @param clientId              expected {@code aud}
 * @param type                  how the token maps to a certificate
 * @param ciProvider            key into {@code CIIssuerMetadata} for {@code ci-provider} issuers
 * @param issuerClaim           for email issuers, a {@code $.a.b} path to the claim used as the certificate's issuer
 * @param subjectDomain         for uri and username issuers
 * @param spiffeTrustDomain     for spiffe issuers
 * @param challengeClaim        the claim whose value is signed as proof of possession (defaults by type)
 * @param caCert                PEM CA certificate(s) to trust for this issuer's TLS, or null for the JDK's
 * @param skipEmailVerification accept email tokens without {@code email_verified: true}
 * @param jwksFile              beyond Fulcio: a static JWKS file; when set, no discovery or JWKS fetch is made
 */
public record OidcIssuer(String issuerUrl, String clientId, IssuerType type, String ciProvider, String issuerClaim,
                         String subjectDomain, String spiffeTrustDomain, String challengeClaim, String caCert,
                         boolean skipEmailVerification, Path jwksFile) {

    public OidcIssuer {
        if (issuerUrl == null || issuerUrl.isEmpty()) {
            throw new IllegalArgumentException("IssuerURL is required");
        }
        Objects.requireNonNull(type, "type");
        clientId = clientId == null ? "" : clientId;
    }

    /** A minimal issuer of the given type. */
    public static OidcIssuer of(String issuerUrl, String clientId, IssuerType type) {
        return new OidcIssuer(issuerUrl, clientId, type, null, null, null, null, null, null, false, null);
    }

    public String effectiveChallengeClaim() {
        return challengeClaim == null || challengeClaim.isEmpty() ? type.defaultChallengeClaim() : challengeClaim;
    }

    /** A concrete issuer for a token whose {@code iss} matched this meta-issuer's pattern (as Fulcio's GetIssuer does). */
    OidcIssuer forMatchedUrl(String url) {
        return new OidcIssuer(url, clientId, type, ciProvider, issuerClaim, subjectDomain, null, null, caCert,
            skipEmailVerification, jwksFile);
    }

    public OidcIssuer withJwksFile(Path file) {
        return new OidcIssuer(issuerUrl, clientId, type, ciProvider, issuerClaim, subjectDomain, spiffeTrustDomain,
            challengeClaim, caCert, skipEmailVerification, file);
    }
}
