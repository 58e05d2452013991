package dev.sigstack.ca.identity;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Verifies OIDC identity tokens against the identity config with Nimbus JOSE+JWT.
 *
 * <p>Refused, each with its own message: a missing or oversized token; {@code alg: none}; HMAC and any algorithm
 * outside RS*, PS*, ES*, EdDSA; a key whose type or curve does not fit the header's algorithm (RSA/EC confusion);
 * an issuer that is not configured; a bad signature; a wrong audience; an expired token; an {@code nbf} in the
 * future. Clock skew tolerated: {@link #CLOCK_SKEW}.
 */
public final class TokenVerifier {
    /** Larger tokens are refused before parsing. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
        JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
        JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final int MAX_META_CACHE = 100;

    private final IdentityConfig config;
    private final Clock clock;
    private final Map<String, IssuerKeys> keys = new ConcurrentHashMap<>();
    private final Map<String, IssuerKeys> metaKeys = java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, IssuerKeys> eldest) {
                return size() > MAX_META_CACHE;
            }
        });

    public TokenVerifier(IdentityConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public IdentityConfig config() {
        return config;
    }

    /** Registers a fixed key set for a configured issuer (the built-in development issuer). */
    public void pinKeys(String issuerUrl, JWKSet set) {
        OidcIssuer iss = config.issuerFor(issuerUrl).orElseThrow(() -> new IllegalArgumentException("issuer not configured"));
        keys.put(issuerUrl, new IssuerKeys(iss, set));
    }

    /** Verifies the token; throws {@link InvalidTokenException} with the reason when it is refused. */
    public VerifiedToken verify(String token) throws InvalidTokenException {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no identity token was provided");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new InvalidTokenException("identity token is too large (more than " + MAX_TOKEN_CHARS + " characters)");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.strip());
        } catch (ParseException e) {
            throw new InvalidTokenException("identity token is not a valid JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new InvalidTokenException("unsigned identity tokens (alg none) are not accepted");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw new InvalidTokenException("encrypted identity tokens are not accepted");
        }
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            throw new InvalidTokenException("symmetric (HMAC) token algorithms are not accepted: " + alg);
        }
        if (!ALLOWED.contains(alg)) {
            throw new InvalidTokenException("token algorithm " + alg + " is not accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("identity token claims are not a valid JSON object");
        }
        String iss = claims.getIssuer();
        if (iss == null || iss.isEmpty()) {
            throw new InvalidTokenException("identity token has no iss claim");
        }
        OidcIssuer issuer = config.issuerFor(iss)
            .orElseThrow(() -> new InvalidTokenException("issuer " + printable(iss) + " is not configured"));

        IssuerKeys issuerKeys = keysFor(issuer);
        if (!verifySignature(signed, header, issuerKeys.keys())) {
            if (!(issuerKeys.refresh() && verifySignature(signed, header, issuerKeys.keys()))) {
                throw new InvalidTokenException("identity token signature does not verify with any key of issuer "
                    + issuer.issuerUrl() + " fitting alg " + alg + (header.getKeyID() == null ? "" : " and kid " + printable(header.getKeyID())));
            }
        }
        checkClaims(issuer, claims);
        return new VerifiedToken(issuer, claims);
    }

    private void checkClaims(OidcIssuer issuer, JWTClaimsSet claims) throws InvalidTokenException {
        if (!issuer.issuerUrl().equals(claims.getIssuer())) {
            throw new InvalidTokenException("token issuer does not match the configured issuer " + issuer.issuerUrl());
        }
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(issuer.clientId())) {
            throw new InvalidTokenException("token audience does not include the expected client ID " + issuer.clientId());
        }
        Date now = Date.from(clock.instant());
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException("identity token has no exp claim");
        }
        if (exp.toInstant().plus(CLOCK_SKEW).isBefore(now.toInstant())) {
            throw new InvalidTokenException("identity token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().minus(CLOCK_SKEW).isAfter(now.toInstant())) {
            throw new InvalidTokenException("identity token is not valid yet (nbf is in the future)");
        }
        if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
            throw new InvalidTokenException("identity token has no sub claim");
        }
    }

    private IssuerKeys keysFor(OidcIssuer issuer) throws InvalidTokenException {
        IssuerKeys k = keys.get(issuer.issuerUrl());
        if (k != null) {
            return k;
        }
        if (config.oidcIssuers().containsKey(issuer.issuerUrl())) {
            IssuerKeys fresh = new IssuerKeys(issuer);
            IssuerKeys prev = keys.putIfAbsent(issuer.issuerUrl(), fresh);
            return prev != null ? prev : fresh;
        }
        synchronized (metaKeys) {
            k = metaKeys.get(issuer.issuerUrl());
            if (k == null) {
                k = new IssuerKeys(issuer);
                metaKeys.put(issuer.issuerUrl(), k);
            }
            return k;
        }
    }

    /** Verifiers for the issuers' keys, by key object and algorithm: building one converts the JWK to a JCA key. */
    private static final Map<VerifierKey, java.util.Optional<JWSVerifier>> VERIFIERS = new ConcurrentHashMap<>();
    private static final int MAX_VERIFIERS = 256;

    /** Identity of the JWK object (the cached key sets hand out the same objects until a refresh), and the algorithm. */
    private record VerifierKey(JWK jwk, JWSAlgorithm alg) {
        @Override
        public boolean equals(Object o) {
            return o instanceof VerifierKey k && k.jwk == jwk && k.alg.equals(alg);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(jwk) * 31 + alg.hashCode();
        }
    }

    private static JWSVerifier cachedVerifier(JWK jwk, JWSAlgorithm alg) throws JOSEException {
        VerifierKey key = new VerifierKey(jwk, alg);
        java.util.Optional<JWSVerifier> v = VERIFIERS.get(key);
        if (v == null) {
            v = java.util.Optional.ofNullable(verifierFor(jwk, alg));
            if (VERIFIERS.size() >= MAX_VERIFIERS) {
                VERIFIERS.clear(); // keys rotated many times: start over rather than grow
            }
            VERIFIERS.put(key, v);
        }
        return v.orElse(null);
    }

    private static boolean verifySignature(SignedJWT jwt, JWSHeader header, List<JWK> candidates) {
        for (JWK jwk : candidates) {
            if (header.getKeyID() != null && jwk.getKeyID() != null && !header.getKeyID().equals(jwk.getKeyID())) {
                continue;
            }
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(header.getAlgorithm())) {
                continue;
            }
            try {
                JWSVerifier v = cachedVerifier(jwk, header.getAlgorithm());
                if (v != null && jwt.verify(v)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException e) {
                // this key does not fit; try the next
            }
        }
        return false;
    }

    private static JWSVerifier verifierFor(JWK jwk, JWSAlgorithm alg) throws JOSEException {
        if (jwk instanceof RSAKey rsa && (JWSAlgorithm.Family.RSA.contains(alg))) {
            return new RSASSAVerifier(rsa);
        }
        if (jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)) {
            ECDSAVerifier v = new ECDSAVerifier(ec);
            return v.supportedJWSAlgorithms().contains(alg) ? v : null;
        }
        if (jwk instanceof OctetKeyPair okp && (JWSAlgorithm.EdDSA.equals(alg) || JWSAlgorithm.Ed25519.equals(alg))) {
            return new Ed25519Verifier(okp.toPublicJWK());
        }
        return null;
    }

    private static String printable(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return "'" + t.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
