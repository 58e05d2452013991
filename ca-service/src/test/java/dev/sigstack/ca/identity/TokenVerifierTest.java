package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.Map;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.sigstack.ca.testing.TestOidcIssuer;

class TokenVerifierTest {
    private static TestOidcIssuer issuer;
    private static TokenVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        issuer = new TestOidcIssuer("/oidc");
        verifier = new TokenVerifier(IdentityConfig.read(issuer.configYaml("email", Map.of()).getBytes(StandardCharsets.UTF_8), null),
            Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    interface TokenMaker {
        String make() throws Exception;
    }

    static Stream<Arguments> hostileTokens() {
        return Stream.of(
            Arguments.of("alg none", (TokenMaker) () -> new PlainJWT(issuer.claims("a", "sigstore").build()).serialize(), "alg none"),
            Arguments.of("HMAC keyed with the RSA public key", (TokenMaker) () -> {
                RSAKey rsa = (RSAKey) issuer.signingKey();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(),
                    issuer.claims("a", "sigstore").build());
                jwt.sign(new MACSigner(rsa.toPublicKey().getEncoded()));
                return jwt.serialize();
            }, "HMAC"),
            Arguments.of("ES256 header naming the RSA key id", (TokenMaker) () -> {
                ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(issuer.signingKey().getKeyID()).build(),
                    issuer.claims("a", "sigstore").build());
                jwt.sign(new ECDSASigner(ec));
                return jwt.serialize();
            }, "does not verify"),
            Arguments.of("wrong audience", (TokenMaker) () -> issuer.sign(issuer.claims("a", "other").build()), "audience"),
            Arguments.of("expired", (TokenMaker) () -> issuer.sign(issuer.claims("a", "sigstore")
                .expirationTime(new Date(System.currentTimeMillis() - 300_000)).build()), "expired"),
            Arguments.of("nbf in the future", (TokenMaker) () -> issuer.sign(issuer.claims("a", "sigstore")
                .notBeforeTime(new Date(System.currentTimeMillis() + 600_000)).build()), "not valid yet"),
            Arguments.of("unknown issuer", (TokenMaker) () -> issuer.sign(issuer.claims("a", "sigstore")
                .issuer("https://evil.example").build()), "not configured"),
            Arguments.of("no exp", (TokenMaker) () -> issuer.sign(issuer.claims("a", "sigstore").expirationTime(null).build()), "no exp"),
            Arguments.of("oversized", (TokenMaker) () -> issuer.sign(issuer.claims("a", "sigstore")
                .claim("pad", "x".repeat(20_000)).build()), "too large"),
            Arguments.of("not a JWT", (TokenMaker) () -> "not.a.jwt", "not a valid JWT"),
            Arguments.of("empty", (TokenMaker) () -> "", "no identity token"),
            Arguments.of("tampered payload", (TokenMaker) () -> {
                String[] parts = issuer.emailToken("a@example.com").split("\\.");
                String other = issuer.emailToken("b@example.com").split("\\.")[1];
                return parts[0] + "." + other + "." + parts[2];
            }, "does not verify"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void verify_hostileToken_refusedWithClearMessage(String name, TokenMaker maker, String expected) throws Exception {
        String token = maker.make();
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(token));
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
        assertTrue(token.isEmpty() || !e.getMessage().contains(token), "message must not contain the token");
    }

    @Test
    void verify_validRsaToken_returnsClaims() throws Exception {
        VerifiedToken t = verifier.verify(issuer.emailToken("alice@example.com"));
        assertEquals("alice@example.com", t.claims().getStringClaim("email"));
        assertEquals(issuer.url(), t.issuer().issuerUrl());
    }

    @Test
    void verify_unknownKidAfterRotation_refetchesJwks() throws Exception {
        try (TestOidcIssuer rotating = new TestOidcIssuer("/rot")) {
            TokenVerifier v = new TokenVerifier(IdentityConfig.read(rotating.configYaml("email", Map.of()).getBytes(StandardCharsets.UTF_8), null),
                Clock.systemUTC());
            v.verify(rotating.emailToken("a@example.com"));
            int before = rotating.jwksFetches();
            Thread.sleep(IssuerKeys.MIN_REFRESH_INTERVAL.toMillis() + 100);
            rotating.rotateEc();
            v.verify(rotating.emailToken("a@example.com"));
            assertEquals(before + 1, rotating.jwksFetches());
        }
    }

    @Test
    void verify_unpublishedKid_refusedAndRefreshIsRateLimited() throws Exception {
        try (TestOidcIssuer hidden = new TestOidcIssuer("/hid")) {
            TokenVerifier v = new TokenVerifier(IdentityConfig.read(hidden.configYaml("email", Map.of()).getBytes(StandardCharsets.UTF_8), null),
                Clock.systemUTC());
            v.verify(hidden.emailToken("a@example.com"));
            hidden.unpublishedKey();
            String token = hidden.emailToken("a@example.com");
            int before = hidden.jwksFetches();
            for (int i = 0; i < 5; i++) {
                assertThrows(InvalidTokenException.class, () -> v.verify(token));
            }
            assertTrue(hidden.jwksFetches() - before <= 1, "unknown kids must not hammer the issuer");
        }
    }

    @Test
    void verify_discoveryAdvertisesOtherIssuer_refused() throws Exception {
        try (TestOidcIssuer liar = new TestOidcIssuer("/liar")) {
            liar.advertiseIssuer("https://someone-else.example");
            TokenVerifier v = new TokenVerifier(IdentityConfig.read(liar.configYaml("email", Map.of()).getBytes(StandardCharsets.UTF_8), null),
                Clock.systemUTC());
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> v.verify(liar.emailToken("a@example.com")));
            assertTrue(e.getMessage().contains("issuer did not match"), e.getMessage());
        }
    }

    @Test
    void verify_tokenOfOneIssuerClaimingAnother_refused() throws Exception {
        try (TestOidcIssuer other = new TestOidcIssuer("/other")) {
            JWTClaimsSet claims = issuer.claims("a", "sigstore").claim("email", "a@example.com").build();
            String forged = TestOidcIssuer.sign(claims, other.signingKey());
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> verifier.verify(forged));
            assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        }
    }

    @Test
    void verify_withoutCaCert_tlsHandshakeRefused() throws Exception {
        String yaml = "oidc-issuers:\n  " + issuer.url() + ":\n    issuer-url: " + issuer.url() + "\n    client-id: sigstore\n    type: email\n";
        TokenVerifier v = new TokenVerifier(IdentityConfig.read(yaml.getBytes(StandardCharsets.UTF_8), null), Clock.systemUTC());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> v.verify(issuer.emailToken("a@example.com")));
        assertTrue(e.getMessage().contains("cannot fetch"), e.getMessage());
    }

    @Test
    void verify_staticJwksFile_worksWithoutDiscovery(@TempDir Path dir) throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k8s").generate();
        Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString(true));
        String url = "https://kubernetes.default.svc.cluster.local";
        String json = "{\"OIDCIssuers\":{\"" + url + "\":{\"IssuerURL\":\"" + url + "\",\"ClientID\":\"sigstore\","
            + "\"Type\":\"kubernetes\",\"JWKSFile\":\"jwks.json\"}}}";
        TokenVerifier v = new TokenVerifier(IdentityConfig.read(json.getBytes(StandardCharsets.UTF_8), dir), Clock.systemUTC());
        Date now = new Date();
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(url).subject("system:serviceaccount:ns:sa").audience("sigstore")
            .expirationTime(new Date(now.getTime() + 60_000)).build();
        VerifiedToken t = v.verify(TestOidcIssuer.sign(c, key));
        assertEquals(url, t.issuer().issuerUrl());
    }
}
