package dev.sigstack.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * Reads, without verifying (the CA verifies), the claims a client needs from an OIDC identity token: the subject
 * whose signature proves possession of the key. Like cosign and sigstore-java, that is the {@code email} claim
 * when the token has one and otherwise {@code sub}.
 */
public final class IdentityTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IdentityTokens() {
    }

    /** The value to sign as proof of possession. */
    public static String challengeSubject(String jwt) throws SigningException {
        JsonNode claims = claims(jwt);
        String email = claims.path("email").asText("");
        if (!email.isEmpty()) {
            return email;
        }
        String sub = claims.path("sub").asText("");
        if (sub.isEmpty()) {
            throw new SigningException("identity token has neither an email nor a sub claim");
        }
        return sub;
    }

    /** The token's {@code iss} claim, for messages. */
    public static String issuer(String jwt) throws SigningException {
        return claims(jwt).path("iss").asText("");
    }

    static JsonNode claims(String jwt) throws SigningException {
        if (jwt == null) {
            throw new SigningException("no identity token");
        }
        String[] parts = jwt.strip().split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            throw new SigningException("identity token is not a JWT (header.payload.signature)");
        }
        try {
            JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (n == null || !n.isObject()) {
                throw new SigningException("identity token payload is not a JSON object");
            }
            return n;
        } catch (IllegalArgumentException | IOException e) {
            throw new SigningException("identity token payload is not base64url JSON", e);
        }
    }
}
