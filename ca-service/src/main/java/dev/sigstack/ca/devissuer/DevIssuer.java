package dev.sigstack.ca.devissuer;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The built-in development OIDC issuer: an EC P-256 key made at start, and tokens minted for any subject or
 * e-mail. Disabled unless the CA config asks for it; never for production.
 */
public final class DevIssuer {
    public static final String AUDIENCE = "sigstore";
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private final String issuerUrl;
    private final ECKey key;
    private final Clock clock;

    public DevIssuer(String issuerUrl, Clock clock) {
        this.issuerUrl = issuerUrl;
        this.clock = clock;
        try {
            this.key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                .keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot create the development issuer key", e);
        }
    }

    public String issuerUrl() {
        return issuerUrl;
    }

    /** The public key set, as served at {@code /jwks}. */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /**
     * Mints a token. With an e-mail the token carries {@code email} and {@code email_verified: true}; the subject
     * defaults to the e-mail.
     */
    public String mint(String subject, String email, String audience, Map<String, Object> extraClaims) {
        String sub = subject != null && !subject.isBlank() ? subject : email;
        if (sub == null || sub.isBlank()) {
            throw new IllegalArgumentException("a subject or an email is required");
        }
        Date now = Date.from(clock.instant());
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(issuerUrl).subject(sub)
            .audience(audience == null || audience.isBlank() ? AUDIENCE : audience)
            .issueTime(now).notBeforeTime(now).expirationTime(Date.from(clock.instant().plus(TOKEN_LIFETIME)))
            .jwtID(UUID.randomUUID().toString());
        if (email != null && !email.isBlank()) {
            c.claim("email", email).claim("email_verified", true);
        }
        if (extraClaims != null) {
            extraClaims.forEach(c::claim);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), c.build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
    }
}
