package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The allowlist format: what it accepts, what it refuses (and says why), and how rules match. */
final class AllowlistTest {
    static final String KEY = "sha256:" + "ab".repeat(32);

    static SignerIdentity cert(String subject, String issuer, Map<String, String> ci) {
        return new SignerIdentity("sha256:" + "00".repeat(32), subject, issuer, issuer, issuer, ci);
    }

    static DecodedEntry entry(List<String> artifacts, SignerIdentity who) {
        return new DecodedEntry(1, "u", "hashedrekord", "0.0.1", artifacts, List.of(new DecodedEntry.Signer(who, null, null)));
    }

    static Optional<String> check(String allowlist, SignerIdentity who, String... artifacts) throws Exception {
        return Allowlist.parse(allowlist).violation(entry(List.of(artifacts), who), who);
    }

    static List<String[]> invalid() {
        return List.of(
                new String[] {"- a\n- b\n", "must be a mapping"},
                new String[] {"identitys: []\n", "unknown field 'identitys'"},
                new String[] {"identities: {}\n", "'identities' must be a list"},
                new String[] {"identities:\n  - subject: a\n", "identities[0] needs exactly one of 'issuer' and 'issuerRegExp'"},
                new String[] {"identities:\n  - issuer: i\n", "identities[0] needs exactly one of 'subject' and 'subjectRegExp'"},
                new String[] {"identities:\n  - issuer: i\n    issuerRegExp: i\n    subject: s\n", "exactly one of 'issuer'"},
                new String[] {"identities:\n  - issuer: i\n    subjectRegExp: '(['\n", "subjectRegExp is not a valid regular expression"},
                new String[] {"identities:\n  - issuer: ''\n    subject: s\n", "issuer must not be empty"},
                new String[] {"identities:\n  - issuer: i\n    subject: 42\n", "subject must be a string"},
                new String[] {"identities:\n  - issuer: i\n    subject: s\n    scope: {}\n", "scope must name artifacts or a repository"},
                new String[] {"identities:\n  - issuer: i\n    subject: s\n    scope:\n      artifacts: [md5:00]\n", "sha256:<hex>"},
                new String[] {"identities:\n  - issuer: i\n    subject: s\n    scope:\n      repo: x\n", "unknown field 'repo'"},
                new String[] {"keys:\n  - keyId: abc\n", "keys[0].keyId must be sha256:<64 hex digits>"},
                new String[] {"identities: [\n", "not valid YAML or JSON"});
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void parse_invalidAllowlist_throwsWithTheRuleAndField(String text, String expected) {
        AllowlistException e = assertThrows(AllowlistException.class, () -> Allowlist.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void parse_emptyDocument_allowsNothing() throws Exception {
        assertTrue(check("", cert("a@example.com", "https://i")).isPresent());
    }

    @Test
    void parse_jsonDocument_isAccepted() throws Exception {
        assertEquals(Optional.empty(), check("{\"identities\":[{\"issuer\":\"https://i\",\"subject\":\"a@example.com\"}]}",
                cert("a@example.com", "https://i")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // subjectRegExp                           | subject                                  | allowed
        "^.*@example\\.com$                        | a@example.com                            | true",
        ".*@example\\.com                          | a@example.com                            | true",
        ".*@example\\.com                          | a@example.com.evil                       | false",
        "@example\\.com                            | a@example.com                            | false",
        "https://git\\.internal/org/.*             | https://git.internal/org/app/x@refs/tags/v1 | true",
        "https://git\\.internal/org/.*             | https://evil/?https://git.internal/org/a | false",
        "(?i)A@EXAMPLE\\.COM                       | a@example.com                            | true",
    })
    void violation_subjectRegExp_mustMatchTheWholeValue(String re, String subject, boolean allowed) throws Exception {
        String allow = "identities:\n  - issuer: https://i\n    subjectRegExp: '" + re + "'\n";
        assertEquals(allowed, check(allow, cert(subject, "https://i")).isEmpty());
    }

    @Test
    void violation_exactSubject_isCaseSensitive() throws Exception {
        String allow = "identities:\n  - issuer: https://i\n    subject: a@example.com\n";
        assertTrue(check(allow, cert("A@example.com", "https://i")).isPresent());
    }

    @Test
    void violation_repositoryScope_usesSourceRepositoryThenGithubRepository() throws Exception {
        String allow = "identities:\n  - name: app ci\n    issuer: https://ci\n    subjectRegExp: .*\n"
                + "    scope:\n      repository: https://git.internal/org/app\n";
        assertEquals(Optional.empty(), check(allow, cert("s", "https://ci",
                Map.of("sourceRepositoryUri", "https://git.internal/org/app"))));
        assertEquals(Optional.empty(), check(allow, cert("s", "https://ci",
                Map.of("githubWorkflowRepository", "https://git.internal/org/app"))));
        Optional<String> other = check(allow, cert("s", "https://ci", Map.of("sourceRepositoryUri", "https://git.internal/org/lib")));
        assertTrue(other.orElseThrow().contains("allowed by 'app ci' only for repository https://git.internal/org/app"),
                other.toString());
        assertTrue(check(allow, cert("s", "https://ci", Map.of())).isPresent());
    }

    @Test
    void violation_keyRule_allowsThatKeyOnly() throws Exception {
        String allow = "keys:\n  - keyId: " + KEY.toUpperCase().replace("SHA256", "sha256") + "\n";
        SignerIdentity key = new SignerIdentity(KEY, null, null, null, null, Map.of());
        SignerIdentity other = new SignerIdentity("sha256:" + "cd".repeat(32), null, null, null, null, Map.of());
        assertEquals(Optional.empty(), check(allow, key));
        assertTrue(check(allow, other).orElseThrow().contains("key sha256:cdcd"));
    }

    @Test
    void violation_unscopedRuleAlongsideScopedOne_allows() throws Exception {
        String allow = "identities:\n  - issuer: https://i\n    subject: s\n    scope:\n      artifacts: [sha256:" + "11".repeat(32)
                + "]\n  - issuer: https://i\n    subject: s\n";
        assertEquals(Optional.empty(), check(allow, cert("s", "https://i"), "sha256:" + "22".repeat(32)));
    }

    static Map<String, String> noCi() {
        return Map.of();
    }

    static SignerIdentity cert(String subject, String issuer) {
        return cert(subject, issuer, noCi());
    }
}
