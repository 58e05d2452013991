package dev.sigstack.gate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Identity regexps compile with RE2, as policy-controller's with Go's regexp: a pattern RE2 refuses (though
 * java.util.regex would take it) is refused when the policy loads, naming the field and Go's reason.
 */
class IdentityRegexpPolicyTest {

    private static String policy(String field, String regexp) {
        return """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: re2}
                spec:
                  images: [{glob: "registry.local/**"}]
                  authorities:
                  - keyless:
                      url: https://fulcio.local
                      identities:
                      - {%s: "%s", %s: '%s'}
                """.formatted(field.startsWith("issuer") ? "subject" : "issuer",
                field.startsWith("issuer") ? "x@y" : "https://oidc.local", field, regexp);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "subjectRegExp | (a)\\1 | invalid escape sequence",
        "subjectRegExp | ^(?=.*@corp).*$ | invalid or unsupported Perl syntax",
        "issuerRegExp | https://a++ | invalid nested repetition operator",
        "issuerRegExp | (?<!evil)\\.com | invalid named capture",
        "subjectRegExp | a{1001} | invalid repeat count"})
    void load_patternRe2Refuses_refusedWithGoReason(String field, String regexp, String reason) {
        java.util.regex.Pattern.compile(regexp); // java.util.regex accepts each of these
        PolicyException e = assertThrows(PolicyException.class,
                () -> Policies.loadAll(policy(field, regexp), GateConfig.defaults(), "cosign-system"));
        assertTrue(e.getMessage().contains("regex is invalid: error parsing regexp: " + reason), e.getMessage());
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"^https://git\\.local/.+@refs/heads/main$", "(?i)^ALICE@corp\\.com$", "\\Ax\\z"})
    void load_re2Pattern_accepted(String regexp) {
        assertEquals(1, Policies.loadAll(policy("subjectRegExp", regexp), GateConfig.defaults(), "cosign-system").size());
    }
}
