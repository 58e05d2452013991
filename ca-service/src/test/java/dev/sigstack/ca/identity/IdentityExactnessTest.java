package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;

import org.junit.jupiter.api.Test;

import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;

/**
 * The cases of issue 14: a claim the certificate cannot hold exactly is refused, or written as Fulcio writes it
 * (Go's url.URL.String() percent-encoding); never a different identity. Certificates are issued by the real
 * {@link dev.sigstack.ca.issuance.CertificateIssuer} and read back by core's parser.
 */
class IdentityExactnessTest {

    private static final IdentityConfig CI = ciConfig();

    static IdentityConfig ciConfig() {
        try {
            return IdentityConfig.read(("""
                ci-issuer-metadata:
                  github-workflow:
                    default-template-values:
                      url: "https://github.com"
                    extension-templates:
                      build-signer-uri: "{{ .url }}/{{ .job_workflow_ref }}"
                      source-repository-ref: "ref"
                    subject-alternative-name-template: "{{ .url }}/{{ .job_workflow_ref }}"
                """).getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        } catch (InvalidIdentityConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    static Principal principal(OidcIssuer iss, JWTClaimsSet claims) throws InvalidTokenException {
        return new Principals(CI).of(new VerifiedToken(iss, claims));
    }

    static JWTClaimsSet email(String address) {
        return new JWTClaimsSet.Builder().issuer("https://dev.example").subject("s").claim("email", address)
            .claim("email_verified", true).build();
    }

    static JWTClaimsSet.Builder github(String jobWorkflowRef, String ref) {
        return new JWTClaimsSet.Builder().issuer("https://token.actions.githubusercontent.com").subject("repo:o/r:ref:" + ref)
            .claim("job_workflow_ref", jobWorkflowRef).claim("sha", "abc").claim("event_name", "push")
            .claim("repository", "o/r").claim("workflow", "w").claim("ref", ref).claim("job_workflow_sha", "def")
            .claim("runner_environment", "github-hosted").claim("repository_id", "1").claim("repository_owner", "o")
            .claim("repository_owner_id", "2").claim("repository_visibility", "public").claim("workflow_ref", jobWorkflowRef)
            .claim("workflow_sha", "abc").claim("run_id", "3").claim("run_attempt", "1");
    }

    private static final OidcIssuer DEV = OidcIssuer.of("https://dev.example", "sigstore", IssuerType.EMAIL);
    private static final OidcIssuer GH = OidcIssuer.of("https://token.actions.githubusercontent.com", "sigstore",
        IssuerType.GITHUB_WORKFLOW);
    private static final OidcIssuer GH_CI = new OidcIssuer("https://token.actions.githubusercontent.com", "sigstore",
        IssuerType.CI_PROVIDER, "github-workflow", null, null, null, null, null, false, null);

    @Test
    void email_nonAsciiDomainOrLocalPart_refusedNeverTruncated() {
        // BouncyCastle's non-validating IA5String used to write alice@corp.com and main@corp.com for these
        for (String address : new String[] {"alice@c\u016Frp.com", "ma\u0169n@corp.com", "alice@c\u0440rp.com", "al\u202Eice@corp.com"}) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> principal(DEV, email(address)));
            assertTrue(e.getMessage().contains("IA5String"), e.getMessage());
        }
    }

    @Test
    void email_ascii_exact() throws Exception {
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(DEV, email("alice@corp.com")));
        assertEquals(SubjectAltName.email("alice@corp.com"), id.san());
    }

    @Test
    void githubWorkflow_unicodeBranch_percentEncodedAsFulcioAndRefKeptExactly() throws Exception {
        String ref = "refs/heads/ma\u0169n";
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(GH,
            github("o/r/.github/workflows/rel.yml@" + ref, ref).build()));
        // Go: url.Parse("https://github.com/").JoinPath(ref).String() escapes the path's UTF-8 bytes
        assertEquals("https://github.com/o/r/.github/workflows/rel.yml@refs/heads/ma%C5%A9n", id.san().value());
        assertEquals("https://github.com/o/r/.github/workflows/rel.yml@refs/heads/ma%C5%A9n",
            id.extensions().get(FulcioOid.BUILD_SIGNER_URI).orElseThrow());
        assertEquals(ref, id.extensions().get(FulcioOid.SOURCE_REPOSITORY_REF).orElseThrow());
        assertTrue(!id.san().value().endsWith("@refs/heads/main"));
    }

    @Test
    void ciProviderGithub_unicodeBranch_sanEncodedExtensionsRaw() throws Exception {
        String ref = "refs/heads/ma\u0169n";
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(GH_CI,
            github("o/r/.github/workflows/rel.yml@" + ref, ref).build()));
        assertEquals("https://github.com/o/r/.github/workflows/rel.yml@refs/heads/ma%C5%A9n", id.san().value());
        // ci-provider extension values are the template's output, unescaped (Fulcio writes the string as is)
        assertEquals("https://github.com/o/r/.github/workflows/rel.yml@" + ref,
            id.extensions().get(FulcioOid.BUILD_SIGNER_URI).orElseThrow());
        assertEquals(ref, id.extensions().get(FulcioOid.SOURCE_REPOSITORY_REF).orElseThrow());
    }

    @Test
    void githubWorkflow_literalPercentEscape_refusedAsAmbiguous() {
        // Go keeps a valid escape as written: this branch would get the same SAN as refs/heads/ma\u0169n
        for (OidcIssuer iss : new OidcIssuer[] {GH, GH_CI}) {
            InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> principal(iss,
                github("o/r/.github/workflows/rel.yml@refs/heads/ma%C5%A9n", "refs/heads/ma%C5%A9n").build()));
            assertTrue(e.getMessage().contains("'%'"), e.getMessage());
        }
    }

    @Test
    void githubWorkflow_dotSegmentsOrControlCharacters_refused() {
        for (String jwr : new String[] {"o/r/../evil/.github/workflows/x.yml@refs/heads/main",
                "o/r/.github/workflows/x.yml@refs/heads/main\n", "o/r//.github/workflows/x.yml@refs/heads/main"}) {
            assertThrows(InvalidTokenException.class, () -> principal(GH, github(jwr, "refs/heads/main").build()), jwr);
        }
    }

    @Test
    void gitlab_unicodeConfigRef_percentEncoded() throws Exception {
        OidcIssuer gl = OidcIssuer.of("https://gitlab.com", "sigstore", IssuerType.GITLAB_PIPELINE);
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer("https://gitlab.com").subject("s")
            .claim("ci_config_ref_uri", "gitlab.com/g/p//.gitlab-ci.yml@refs/heads/ma\u0169n").claim("project_path", "g/p")
            .claim("pipeline_source", "push").claim("pipeline_id", "1").claim("job_id", "2").claim("ref", "ma\u0169n")
            .claim("ref_type", "branch").claim("namespace_path", "g").claim("namespace_id", "3").claim("project_id", "4")
            .claim("sha", "abc").claim("runner_environment", "gitlab-hosted").claim("runner_id", 5).build();
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(gl, c));
        assertEquals("https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/ma%C5%A9n", id.san().value());
        assertEquals("refs/heads/ma\u0169n", id.extensions().get(FulcioOid.SOURCE_REPOSITORY_REF).orElseThrow());
    }

    @Test
    void uriAndSpiffe_nonAscii_encodedOrRefused() throws Exception {
        OidcIssuer uri = new OidcIssuer("https://example.com", "sigstore", IssuerType.URI, null, null, "https://example.com", null,
            null, null, false, null);
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(uri,
            new JWTClaimsSet.Builder().subject("https://example.com/users/ma\u0169n").build()));
        assertEquals("https://example.com/users/ma%C5%A9n", id.san().value());
        assertThrows(InvalidTokenException.class, () -> principal(uri,
            new JWTClaimsSet.Builder().subject("https://example.com/users/a%20b").build()));
        OidcIssuer spiffe = new OidcIssuer("https://spiffe.example.org", "sigstore", IssuerType.SPIFFE, null, null, null,
            "example.org", null, null, false, null);
        assertThrows(InvalidTokenException.class, () -> principal(spiffe,
            new JWTClaimsSet.Builder().subject("spiffe://example.org/ma\u0169n").build()));
    }

    @Test
    void username_unicodeKeptInUtf8StringOtherName_loneSurrogateRefused() throws Exception {
        OidcIssuer un = new OidcIssuer("https://example.com", "sigstore", IssuerType.USERNAME, null, null, "example.com", null,
            null, null, false, null);
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(un, new JWTClaimsSet.Builder().subject("ma\u0169n").build()));
        assertEquals(SubjectAltName.otherName("ma\u0169n!example.com"), id.san());
        assertThrows(InvalidTokenException.class, () -> principal(un, new JWTClaimsSet.Builder().subject("ma\uD800n").build()));
    }

    @Test
    void extension_loneSurrogate_refused() {
        assertThrows(InvalidTokenException.class, () -> principal(GH,
            github("o/r/.github/workflows/rel.yml@refs/heads/main", "refs/heads/ma\uDC00n").build()));
    }

    @Test
    void kubernetesBuildkiteCodefreshChainguard_unicodeEncodedExactly() throws Exception {
        OidcIssuer k8s = OidcIssuer.of("https://k8s.example", "sigstore", IssuerType.KUBERNETES);
        FulcioIdentity id = IssuedIdentities.issueAndDecode(principal(k8s, new JWTClaimsSet.Builder().subject("s")
            .claim("kubernetes.io", Map.of("namespace", "pr\u00F6d", "serviceaccount", Map.of("name", "b"))).build()));
        assertEquals("https://kubernetes.io/namespaces/pr%C3%B6d/serviceaccounts/b", id.san().value());
        OidcIssuer bk = OidcIssuer.of("https://agent.buildkite.com", "sigstore", IssuerType.BUILDKITE_JOB);
        assertEquals("https://buildkite.com/acme/%E2%80%AEapp", IssuedIdentities.issueAndDecode(principal(bk,
            new JWTClaimsSet.Builder().subject("s").claim("organization_slug", "acme").claim("pipeline_slug", "\u202Eapp").build()))
            .san().value());
        OidcIssuer cg = OidcIssuer.of("https://issuer.enforce.dev", "sigstore", IssuerType.CHAINGUARD);
        assertThrows(InvalidTokenException.class, () -> principal(cg, new JWTClaimsSet.Builder().subject("../a").build()));
    }
}
