package dev.sigstack.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

final class IdentityTokensTest {
    private static String jwt(String payload) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void challengeSubject_emailPreferredThenSub() throws Exception {
        assertEquals("alice@example.com", IdentityTokens.challengeSubject(
                jwt("{\"iss\":\"https://dex\",\"sub\":\"123\",\"email\":\"alice@example.com\"}")));
        assertEquals("repo:org/app:ref:refs/heads/main", IdentityTokens.challengeSubject(
                jwt("{\"iss\":\"https://token.actions.githubusercontent.com\",\"sub\":\"repo:org/app:ref:refs/heads/main\"}")));
        assertEquals("https://dex", IdentityTokens.issuer(jwt("{\"iss\":\"https://dex\",\"sub\":\"x\"}")));
    }

    @Test
    void challengeSubject_hostileTokens_throw() {
        for (String t : new String[] {"", "a.b", "a..c", "a.!!!.c", jwt("[]"), jwt("{\"iss\":\"x\"}"), jwt("not json")}) {
            assertThrows(SigningException.class, () -> IdentityTokens.challengeSubject(t), t);
        }
        assertThrows(SigningException.class, () -> IdentityTokens.challengeSubject(null));
    }
}
