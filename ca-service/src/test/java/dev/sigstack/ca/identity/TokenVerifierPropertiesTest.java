package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import dev.sigstack.ca.testing.TestOidcIssuer;
import dev.sigstack.core.testing.Hostile;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile identity tokens against a real OIDC issuer (JWKS over TLS): garbage, mutated JWTs, and JWTs
 * whose header or claims JSON is mutated and then properly signed by the issuer's key (so the claim checks and the
 * principal extraction see hostile types and values). Every one is accepted or refused with
 * {@link InvalidTokenException} (the CA's 400/401 with its reason), never another exception (a 500). An accepted
 * token must be from the test issuer, for the audience sigstore and unexpired, and its principal must name the
 * verified email claim the token carries (all read from the token's own JSON, not from the verifier's result).
 */
class TokenVerifierPropertiesTest {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static TestOidcIssuer issuer;
    private static TokenVerifier verifier;
    private static Principals principals;
    private static List<String> tokens;

    @BeforeContainer
    static void start() throws Exception {
        issuer = new TestOidcIssuer("/oidc");
        IdentityConfig config = IdentityConfig.read(issuer.configYaml("email", Map.of())
                .getBytes(StandardCharsets.UTF_8), null);
        verifier = new TokenVerifier(config, Clock.systemUTC());
        principals = new Principals(config);
        tokens = List.of(issuer.emailToken("a@example.com"),
                issuer.sign(issuer.claims("sub-1", "sigstore").claim("email", "b@example.com")
                        .claim("email_verified", true).claim("groups", List.of("x", "y")).build()));
    }

    @AfterContainer
    static void stop() {
        issuer.close();
    }

    private static void check(String token) {
        Object verified = Hostile.refusesCleanly("verify", () -> verifier.verify(token), InvalidTokenException.class);
        if (verified instanceof VerifiedToken v) {
            JsonNode claims = rawClaims(token);
            assertEquals(issuer.url(), claims.path("iss").asText(null), "accepted a token from another issuer");
            JsonNode aud = claims.path("aud");
            assertTrue(aud.isTextual() ? aud.asText().equals("sigstore")
                    : aud.isArray() && java.util.stream.StreamSupport.stream(aud.spliterator(), false)
                            .anyMatch(a -> a.isTextual() && a.asText().equals("sigstore")),
                    "accepted a token not for the audience sigstore: " + aud);
            assertTrue(claims.path("exp").isNumber()
                    && claims.path("exp").asLong() + TokenVerifier.CLOCK_SKEW.toSeconds() >= java.time.Instant.now().getEpochSecond(),
                    "accepted an expired token: exp " + claims.path("exp"));
            Object principal = Hostile.refusesCleanly(() -> principals.of(v), InvalidTokenException.class);
            if (principal instanceof Principal p) {
                JsonNode email = claims.path("email");
                assertTrue(email.isTextual(), "a principal from a token without a text email claim");
                assertEquals(email.asText(), p.name(), "the principal is not the token's email");
                assertEquals(email.asText(), p.san().value(), "the certificate would name another email");
                JsonNode ev = claims.path("email_verified");
                assertTrue(ev.asBoolean(false) && (ev.isBoolean() || ev.asText().equals("true")),
                        "a principal from an unverified email: " + ev);
            }
        }
    }

    /** The token's claims as the JSON it carries, read independently of the verifier under test. */
    private static JsonNode rawClaims(String token) {
        try {
            return new ObjectMapper().readTree(part(token, 1));
        } catch (java.io.IOException | RuntimeException e) {
            throw new AssertionError("a token whose payload is not JSON verified: " + token, e);
        }
    }

    /** header.payload signed with the issuer's RSA key as RS256, whatever the JSON says. */
    static String signRaw(byte[] header, byte[] payload) {
        try {
            String input = B64URL.encodeToString(header) + "." + B64URL.encodeToString(payload);
            PrivateKey key = ((RSAKey) issuer.signingKey()).toPrivateKey();
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64URL.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] part(String token, int i) {
        return Base64.getUrlDecoder().decode(token.split("\\.")[i]);
    }

    @Provide
    Arbitrary<String> mutatedTokens() {
        return Arbitraries.oneOf(Hostile.textMutations(tokens), Arbitraries.strings().ofMaxLength(300));
    }

    @Provide
    Arbitrary<String> resignedClaims() {
        List<byte[]> payloads = tokens.stream().map(t -> part(t, 1)).toList();
        return Hostile.jsonMutations(payloads).map(p -> signRaw(part(tokens.get(0), 0), p));
    }

    @Provide
    Arbitrary<String> resignedHeaders() {
        List<byte[]> headers = List.of(part(tokens.get(0), 0));
        return Combinators.combine(Arbitraries.oneOf(Hostile.jsonMutations(headers), Hostile.mutations(headers)),
                Arbitraries.of(tokens)).as((h, t) -> signRaw(h, part(t, 1)));
    }

    @Property(tries = 500)
    void verify_mutatedToken_invalidTokenException(@ForAll("mutatedTokens") String token) {
        check(token);
    }

    @Property(tries = 500)
    void verify_hostileClaimsSignedByIssuer_invalidTokenException(@ForAll("resignedClaims") String token) {
        check(token);
    }

    @Property(tries = 300)
    void verify_hostileHeaderSignedByIssuer_invalidTokenException(@ForAll("resignedHeaders") String token) {
        check(token);
    }
}
