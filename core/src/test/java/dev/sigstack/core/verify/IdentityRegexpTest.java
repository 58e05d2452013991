package dev.sigstack.core.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link VerificationPolicy.Matcher#regexp}: Go's RE2 syntax and semantics (RE2/J), matching anywhere as cosign's
 * {@code regexp.MatchString}.
 */
class IdentityRegexpTest {

    private static boolean matches(String re, String value) {
        return VerificationPolicy.Matcher.regexp(re).matches(value);
    }

    @Test
    void regexp_matchesAnywhere_asCosign() {
        assertTrue(matches("sigstore-conformance", "https://github.com/sigstore-conformance/x@refs/heads/main"));
        assertFalse(matches("^sigstore-conformance", "https://github.com/sigstore-conformance/x@refs/heads/main"));
        assertTrue(matches("^https://github\\.com/org/.*$", "https://github.com/org/repo"));
    }

    /** Go's {@code $} is end of input only; java.util.regex's {@code $} also matches before a final line break. */
    @Test
    void regexp_dollar_endOfInputOnly() {
        assertFalse(matches("^alice@corp\\.com$", "alice@corp.com\n"));
        assertTrue(java.util.regex.Pattern.compile("^alice@corp\\.com$").matcher("alice@corp.com\n").find(),
                "the java.util.regex behaviour this guards against");
        assertTrue(matches("^alice@corp\\.com$", "alice@corp.com"));
    }

    /** Patterns RE2 refuses (Go refuses them too) are refused when the matcher is made, with Go's error text. */
    @Test
    void regexp_re2RefusedSyntax_refusedWithGoMessage() {
        for (String re : new String[] {"(a)\\1", "(?=x)a", "(?<!x)a", "a++", "a{1001}", "(["}) {
            var e = assertThrows(IllegalArgumentException.class, () -> VerificationPolicy.Matcher.regexp(re), re);
            assertTrue(e.getMessage().contains("error parsing regexp"), e.getMessage());
        }
    }

    /**
     * Nested quantifiers on a 100,000-character subject that does not match: RE2 decides in linear time
     * (java.util.regex took 3.9 s for {@code ((a+)+)+$} on 22 characters). No timing assertion: the surefire timeout
     * is the bound.
     */
    @Test
    void regexp_catastrophicPattern_100kSubject_decided() {
        String subject = "a".repeat(100_000) + "!";
        for (String re : new String[] {"(a+)+$", "((a+)+)+$"}) {
            assertFalse(matches(re, subject), re);
            assertTrue(matches(re, "a".repeat(100_000)), re);
        }
        assertTrue(matches("((a+)+)+!", subject));
    }
}
