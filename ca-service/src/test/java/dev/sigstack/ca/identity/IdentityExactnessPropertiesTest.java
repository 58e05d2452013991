package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;

/**
 * decode(issue(token)) equals the claim exactly, or the request is refused; never a different identity. For every
 * issuer type and every claim that reaches a SAN or an extension, a generated value (ASCII, URL punctuation, percent
 * signs and escapes, spaces and control characters, bidi overrides, IDN look-alikes, astral characters, lone
 * surrogates, dot segments) is put in the claim; the CA maps the token, issues a real certificate, and core's parser
 * reads it back.
 *
 * <p>Oracle, written independently of the code under test: the identity each claim names is the plain string
 * concatenation Fulcio's principal or template describes ({@code "https://github.com/" + job_workflow_ref}, ...). A
 * URI SAN must percent-decode (UTF-8, this class's own decoder) to exactly that string, and so must the github
 * workflow type's URI extensions (Fulcio writes them with Go's url.URL.String()); an email or otherName SAN and every
 * other extension must equal it byte for byte. A claim with a literal percent escape that the CA accepted would
 * decode to a different string, so the oracle also catches an ambiguous encoding.
 */
class IdentityExactnessPropertiesTest {

    enum Case { EMAIL_LOCAL, EMAIL_DOMAIN, GITHUB_WORKFLOW, CI_PROVIDER_GITHUB, GITLAB, BUILDKITE, KUBERNETES, SPIFFE, URI, USERNAME,
        CODEFRESH, CHAINGUARD }

    private static final List<String> FRAGMENTS = List.of(
        "a", "b", "main", "x1", "Z", "0", "-", "_", ".", "~", "/", ":", "@", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=",
        "?", "#", "[", "]", "%", "%41", "%C5%A9", "%2F", "%zz", " ", "\t", "\n", "\r", "\u0000", "\u001b", "\u007f", "\u0085",
        "\u202E", "\u202D", "\u2066", "\u2069", "\u200F", "\u061C", "\u0169", "\u016F", "\u0131", "\u0456", "\u0430", "\uFF45",
        "\u00DF", "\u00E9", "\u4E2D", "xn--", "\uD83D\uDE00", "\uD800", "\uDFFF", "..", "./", "//", "\"", "<", ">", "{", "|", "\\",
        "^", "`");

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> hostile = Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, plain), net.jqwik.api.Tuple.of(4, hostile),
            net.jqwik.api.Tuple.of(2, Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(3)
                .map(l -> "ma" + String.join("", l) + "n")));
    }

    private static final IdentityConfig CI = IdentityExactnessTest.ciConfig();

    /** What the certificate must say, before any URI escaping: SAN kind and text, and extension values. */
    private record Expected(SubjectAltName.Kind kind, String san, Map<FulcioOid, String> exact, Map<FulcioOid, String> uriExt) { }

    @Property(tries = 1500)
    void issue_anyClaim_decodesToTheClaimOrIsRefused(@ForAll Case c, @ForAll("values") String v) throws Exception {
        String sub = "sub-" + v;
        OidcIssuer iss;
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(sub);
        Map<FulcioOid, String> exact = new LinkedHashMap<>();
        Map<FulcioOid, String> uriExt = new LinkedHashMap<>();
        SubjectAltName.Kind kind = SubjectAltName.Kind.URI;
        String san;
        switch (c) {
            case EMAIL_LOCAL, EMAIL_DOMAIN -> {
                iss = OidcIssuer.of("https://dev.example", "sigstore", IssuerType.EMAIL);
                san = c == Case.EMAIL_LOCAL ? v + "@corp.com" : "alice@c" + v + ".com";
                b.claim("email", san).claim("email_verified", true);
                kind = SubjectAltName.Kind.EMAIL;
            }
            case GITHUB_WORKFLOW, CI_PROVIDER_GITHUB -> {
                iss = c == Case.GITHUB_WORKFLOW
                    ? OidcIssuer.of("https://token.actions.githubusercontent.com", "sigstore", IssuerType.GITHUB_WORKFLOW)
                    : new OidcIssuer("https://token.actions.githubusercontent.com", "sigstore", IssuerType.CI_PROVIDER,
                        "github-workflow", null, null, null, null, null, false, null);
                String ref = "refs/heads/" + v;
                String jwr = "o/r/.github/workflows/rel.yml@" + ref;
                b = IdentityExactnessTest.github(jwr, ref).subject(sub);
                san = "https://github.com/" + jwr;
                exact.put(FulcioOid.SOURCE_REPOSITORY_REF, ref);
                if (c == Case.GITHUB_WORKFLOW) {
                    b.claim("repository", "o/" + v);
                    exact.put(FulcioOid.GITHUB_WORKFLOW_REF, ref);
                    exact.put(FulcioOid.GITHUB_WORKFLOW_REPOSITORY, "o/" + v);
                    uriExt.put(FulcioOid.BUILD_SIGNER_URI, san);
                    uriExt.put(FulcioOid.SOURCE_REPOSITORY_URI, "https://github.com/o/" + v);
                } else {
                    exact.put(FulcioOid.BUILD_SIGNER_URI, san); // a template's output is written unescaped
                }
            }
            case GITLAB -> {
                iss = OidcIssuer.of("https://gitlab.com", "sigstore", IssuerType.GITLAB_PIPELINE);
                String cfg = "gitlab.com/g/p//.gitlab-ci.yml@refs/heads/" + v;
                b.claim("ci_config_ref_uri", cfg).claim("project_path", "g/p").claim("pipeline_source", "push")
                    .claim("pipeline_id", "1").claim("job_id", "2").claim("ref", v).claim("ref_type", "branch")
                    .claim("namespace_path", "g").claim("namespace_id", "3").claim("project_id", "4").claim("sha", "abc")
                    .claim("runner_environment", "gitlab-hosted").claim("runner_id", 5);
                san = "https://" + cfg;
                exact.put(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/" + v);
                uriExt.put(FulcioOid.BUILD_SIGNER_URI, san);
            }
            case BUILDKITE -> {
                iss = OidcIssuer.of("https://agent.buildkite.com", "sigstore", IssuerType.BUILDKITE_JOB);
                b.claim("organization_slug", "acme").claim("pipeline_slug", v);
                san = "https://buildkite.com/acme/" + v;
            }
            case KUBERNETES -> {
                iss = OidcIssuer.of("https://k8s.example", "sigstore", IssuerType.KUBERNETES);
                b.claim("kubernetes.io", Map.of("namespace", v, "serviceaccount", Map.of("name", "builder")));
                san = "https://kubernetes.io/namespaces/" + v + "/serviceaccounts/builder";
            }
            case SPIFFE -> {
                iss = new OidcIssuer("https://spiffe.example.org", "sigstore", IssuerType.SPIFFE, null, null, null, "example.org", null,
                    null, false, null);
                sub = "spiffe://example.org/" + v;
                b.subject(sub);
                san = sub;
            }
            case URI -> {
                iss = new OidcIssuer("https://example.com", "sigstore", IssuerType.URI, null, null, "https://example.com", null, null,
                    null, false, null);
                sub = "https://example.com/" + v;
                b.subject(sub);
                san = sub;
            }
            case USERNAME -> {
                iss = new OidcIssuer("https://example.com", "sigstore", IssuerType.USERNAME, null, null, "example.com", null, null,
                    null, false, null);
                sub = v;
                b.subject(sub);
                san = v + "!example.com";
                kind = SubjectAltName.Kind.OTHER_NAME;
            }
            case CODEFRESH -> {
                iss = OidcIssuer.of("https://oidc.codefresh.io", "sigstore", IssuerType.CODEFRESH_WORKFLOW);
                b.claim("account_name", v).claim("pipeline_name", "pipe").claim("account_id", "A1").claim("pipeline_id", "P1")
                    .claim("workflow_id", "W1").claim("scm_ref", v);
                san = "https://g.codefresh.io/" + v + "/pipe:A1/P1";
                exact.put(FulcioOid.SOURCE_REPOSITORY_REF, v);
            }
            case CHAINGUARD -> {
                iss = OidcIssuer.of("https://issuer.enforce.dev", "sigstore", IssuerType.CHAINGUARD);
                sub = "a1/" + v;
                b.subject(sub);
                san = "https://issuer.enforce.dev/" + sub;
            }
            default -> throw new IllegalStateException();
        }
        exact.put(FulcioOid.ISSUER_V2, iss.issuerUrl());
        exact.put(FulcioOid.TOKEN_SUBJECT, sub);
        check(c, new Expected(kind, san, exact, uriExt), iss, b.build());
        // each case is both issued and refused over the run, so the property is vacuous neither way
        Statistics.coverage(cov -> {
            for (Case k : Case.values()) {
                cov.check(k, "issued").count(n -> n > 0);
                cov.check(k, "refused").count(n -> n > 0);
            }
        });
    }

    private static void check(Case c, Expected expected, OidcIssuer iss, JWTClaimsSet claims) throws Exception {
        Principal p;
        try {
            p = new Principals(CI).of(new VerifiedToken(iss, claims));
        } catch (InvalidTokenException refused) {
            Statistics.collect(c, "refused");
            return;
        }
        Statistics.collect(c, "issued");
        FulcioIdentity id = IssuedIdentities.issueAndDecode(p);
        assertEquals(expected.kind(), id.san().kind());
        String sanText = expected.kind() == SubjectAltName.Kind.URI ? percentDecode(id.san().value()) : id.san().value();
        assertEquals(expected.san(), sanText, "SAN " + id.san().value() + " names another identity");
        for (Map.Entry<FulcioOid, String> e : expected.exact().entrySet()) {
            assertEquals(e.getValue(), id.extensions().get(e.getKey()).orElse(null), e.getKey().dotted());
        }
        for (Map.Entry<FulcioOid, String> e : expected.uriExt().entrySet()) {
            assertEquals(e.getValue(), percentDecode(id.extensions().get(e.getKey()).orElseThrow()), e.getKey().dotted());
        }
    }

    /** UTF-8 percent-decoding of every {@code %XX}. */
    static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
                out.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
