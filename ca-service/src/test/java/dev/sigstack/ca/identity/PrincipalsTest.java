package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jwt.JWTClaimsSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sigstack.ca.testing.TestOidcIssuer;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;

/** Each issuer type with real tokens signed by an HTTPS test issuer, verified end to end, mapped as Fulcio does. */
class PrincipalsTest {
    private static TestOidcIssuer issuer;

    @BeforeAll
    static void start() throws Exception {
        issuer = new TestOidcIssuer("/p");
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    private static Principal principal(String type, Map<String, String> extra, String appendYaml, JWTClaimsSet claims) throws Exception {
        String yaml = issuer.configYaml(type, extra) + appendYaml;
        IdentityConfig cfg = IdentityConfig.read(yaml.getBytes(StandardCharsets.UTF_8), null);
        TokenVerifier v = new TokenVerifier(cfg, Clock.systemUTC());
        return new Principals(cfg).of(v.verify(issuer.sign(claims)));
    }

    private static Principal principal(String type, JWTClaimsSet claims) throws Exception {
        return principal(type, Map.of(), "", claims);
    }

    @Test
    void of_email_emailSanIssuerAndSubject() throws Exception {
        Principal p = principal("email", issuer.claims("sub-1", "sigstore").claim("email", "a@example.com").claim("email_verified", true).build());
        assertEquals("a@example.com", p.name());
        assertEquals(SubjectAltName.email("a@example.com"), p.san());
        assertEquals(issuer.url(), p.extensions().issuer());
        assertEquals("sub-1", p.extensions().get(FulcioOid.TOKEN_SUBJECT).orElseThrow());
    }

    @Test
    void of_emailNotVerified_refused() {
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> principal("email",
            issuer.claims("s", "sigstore").claim("email", "a@example.com").claim("email_verified", false).build()));
        assertTrue(e.getMessage().contains("email_verified"), e.getMessage());
    }

    @Test
    void of_emailNotVerifiedButSkipConfigured_accepted() throws Exception {
        Principal p = principal("email", Map.of("skip-email-verification", "true"), "",
            issuer.claims("s", "sigstore").claim("email", "a@example.com").build());
        assertEquals("a@example.com", p.name());
    }

    @Test
    void of_emailWithIssuerClaim_usesFederatedIssuer() throws Exception {
        Principal p = principal("email", Map.of("issuer-claim", "$.federated_claims.connector_id"), "",
            issuer.claims("s", "sigstore").claim("email", "a@example.com").claim("email_verified", true)
                .claim("federated_claims", Map.of("connector_id", "https://github.com/login/oauth")).build());
        assertEquals("https://github.com/login/oauth", p.extensions().issuer());
    }

    @Test
    void of_githubWorkflow_allFulcioExtensions() throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("job_workflow_ref", "octo/repo/.github/workflows/rel.yml@refs/heads/main");
        c.put("sha", "abc123");
        c.put("event_name", "push");
        c.put("repository", "octo/repo");
        c.put("workflow", "Release");
        c.put("ref", "refs/heads/main");
        c.put("job_workflow_sha", "def456");
        c.put("runner_environment", "github-hosted");
        c.put("repository_id", "42");
        c.put("repository_owner", "octo");
        c.put("repository_owner_id", "7");
        c.put("repository_visibility", "public");
        c.put("workflow_ref", "octo/repo/.github/workflows/rel.yml@refs/heads/main");
        c.put("workflow_sha", "abc123");
        c.put("run_id", "1001");
        c.put("run_attempt", "2");
        JWTClaimsSet.Builder b = issuer.claims("repo:octo/repo:ref:refs/heads/main", "sigstore");
        c.forEach(b::claim);
        Principal p = principal("github-workflow", b.build());
        assertEquals(SubjectAltName.uri("https://github.com/octo/repo/.github/workflows/rel.yml@refs/heads/main"), p.san());
        assertEquals("repo:octo/repo:ref:refs/heads/main", p.name());
        Map<FulcioOid, String> want = Map.ofEntries(
            Map.entry(FulcioOid.GITHUB_WORKFLOW_TRIGGER, "push"), Map.entry(FulcioOid.GITHUB_WORKFLOW_SHA, "abc123"),
            Map.entry(FulcioOid.GITHUB_WORKFLOW_NAME, "Release"), Map.entry(FulcioOid.GITHUB_WORKFLOW_REPOSITORY, "octo/repo"),
            Map.entry(FulcioOid.GITHUB_WORKFLOW_REF, "refs/heads/main"),
            Map.entry(FulcioOid.BUILD_SIGNER_URI, "https://github.com/octo/repo/.github/workflows/rel.yml@refs/heads/main"),
            Map.entry(FulcioOid.BUILD_SIGNER_DIGEST, "def456"), Map.entry(FulcioOid.RUNNER_ENVIRONMENT, "github-hosted"),
            Map.entry(FulcioOid.SOURCE_REPOSITORY_URI, "https://github.com/octo/repo"),
            Map.entry(FulcioOid.SOURCE_REPOSITORY_DIGEST, "abc123"), Map.entry(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/main"),
            Map.entry(FulcioOid.SOURCE_REPOSITORY_IDENTIFIER, "42"), Map.entry(FulcioOid.SOURCE_REPOSITORY_OWNER_URI, "https://github.com/octo"),
            Map.entry(FulcioOid.SOURCE_REPOSITORY_OWNER_IDENTIFIER, "7"),
            Map.entry(FulcioOid.BUILD_CONFIG_URI, "https://github.com/octo/repo/.github/workflows/rel.yml@refs/heads/main"),
            Map.entry(FulcioOid.BUILD_CONFIG_DIGEST, "abc123"), Map.entry(FulcioOid.BUILD_TRIGGER, "push"),
            Map.entry(FulcioOid.RUN_INVOCATION_URI, "https://github.com/octo/repo/actions/runs/1001/attempts/2"),
            Map.entry(FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING, "public"));
        want.forEach((oid, v) -> assertEquals(v, p.extensions().get(oid).orElse(null), oid.name()));
    }

    @Test
    void of_githubWorkflowMissingClaim_refused() {
        InvalidTokenException e = assertThrows(InvalidTokenException.class,
            () -> principal("github-workflow", issuer.claims("s", "sigstore").build()));
        assertTrue(e.getMessage().contains("missing job_workflow_ref claim"), e.getMessage());
    }

    @Test
    void of_gitlabPipeline_uriSanAndExtensions() throws Exception {
        JWTClaimsSet c = issuer.claims("project_path:grp/proj:ref_type:branch:ref:main", "sigstore")
            .claim("project_path", "grp/proj").claim("project_id", "11").claim("pipeline_source", "push")
            .claim("pipeline_id", "99").claim("ci_config_ref_uri", "gitlab.com/grp/proj//.gitlab-ci.yml@refs/heads/main")
            .claim("ci_config_sha", "cafe").claim("namespace_path", "grp").claim("namespace_id", "5").claim("job_id", "77")
            .claim("ref", "main").claim("ref_type", "branch").claim("sha", "beef").claim("runner_environment", "gitlab-hosted")
            .claim("runner_id", 12).claim("project_visibility", "private").build();
        Principal p = principal("gitlab-pipeline", c);
        assertEquals(SubjectAltName.uri("https://gitlab.com/grp/proj//.gitlab-ci.yml@refs/heads/main"), p.san());
        assertEquals("refs/heads/main", p.extensions().get(FulcioOid.SOURCE_REPOSITORY_REF).orElseThrow());
        assertEquals("https://gitlab.com/grp/proj/-/jobs/77", p.extensions().get(FulcioOid.RUN_INVOCATION_URI).orElseThrow());
        assertEquals("https://gitlab.com/grp", p.extensions().get(FulcioOid.SOURCE_REPOSITORY_OWNER_URI).orElseThrow());
        assertEquals("private", p.extensions().get(FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING).orElseThrow());
    }

    @Test
    void of_buildkiteJob_pipelineUri() throws Exception {
        Principal p = principal("buildkite-job", issuer.claims("organization:acme:pipeline:app", "sigstore")
            .claim("organization_slug", "acme").claim("pipeline_slug", "app").build());
        assertEquals(SubjectAltName.uri("https://buildkite.com/acme/app"), p.san());
    }

    @Test
    void of_kubernetes_serviceAccountUri() throws Exception {
        Principal p = principal("kubernetes", issuer.claims("system:serviceaccount:prod:builder", "sigstore")
            .claim("kubernetes.io", Map.of("namespace", "prod", "serviceaccount", Map.of("name", "builder", "uid", "u"))).build());
        assertEquals(SubjectAltName.uri("https://kubernetes.io/namespaces/prod/serviceaccounts/builder"), p.san());
        assertEquals("system:serviceaccount:prod:builder", p.name());
    }

    @Test
    void of_spiffe_idAsUriAndTrustDomainChecked() throws Exception {
        Principal p = principal("spiffe", Map.of("spiffe-trust-domain", "example.org"), "",
            issuer.claims("spiffe://example.org/ns/prod/sa/builder", "sigstore").build());
        assertEquals(SubjectAltName.uri("spiffe://example.org/ns/prod/sa/builder"), p.san());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> principal("spiffe",
            Map.of("spiffe-trust-domain", "example.org"), "", issuer.claims("spiffe://evil.org/x", "sigstore").build()));
        assertTrue(e.getMessage().contains("trust domain"), e.getMessage());
    }

    @Test
    void of_uri_subjectMustBeUnderSubjectDomain() throws Exception {
        Principal p = principal("uri", Map.of("subject-domain", "https://127.0.0.1"), "",
            issuer.claims("https://127.0.0.1/users/alice", "sigstore").build());
        assertEquals(SubjectAltName.uri("https://127.0.0.1/users/alice"), p.san());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> principal("uri",
            Map.of("subject-domain", "https://127.0.0.1"), "", issuer.claims("https://evil.example/alice", "sigstore").build()));
        assertTrue(e.getMessage().contains("hostname"), e.getMessage());
    }

    @Test
    void of_username_otherNameSan() throws Exception {
        Principal p = principal("username", Map.of("subject-domain", "127.0.0.1"), "",
            issuer.claims("alice", "sigstore").build());
        assertEquals(SubjectAltName.otherName("alice!127.0.0.1"), p.san());
        assertEquals("alice", p.name());
        assertThrows(InvalidTokenException.class, () -> principal("username", Map.of("subject-domain", "127.0.0.1"), "",
            issuer.claims("al!ce", "sigstore").build()));
    }

    @Test
    void of_ciProvider_templatesAndDefaults() throws Exception {
        String meta = """
            ci-issuer-metadata:
              forge:
                default-template-values:
                  url: https://forge.example.com
                extension-templates:
                  build-signer-uri: "{{ .url }}/{{ .workflow }}"
                  runner-environment: runner
                  BuildTrigger: event
                subject-alternative-name-template: "{{ .url }}/{{ .repo }}"
            """;
        Principal p = principal("ci-provider", Map.of("ci-provider", "forge"), meta, issuer.claims("job-1", "sigstore")
            .claim("workflow", "build.yml").claim("runner", "hosted").claim("event", "push").claim("repo", "team/app").build());
        assertEquals(SubjectAltName.uri("https://forge.example.com/team/app"), p.san());
        assertEquals("https://forge.example.com/build.yml", p.extensions().get(FulcioOid.BUILD_SIGNER_URI).orElseThrow());
        assertEquals("hosted", p.extensions().get(FulcioOid.RUNNER_ENVIRONMENT).orElseThrow());
        assertEquals("push", p.extensions().get(FulcioOid.BUILD_TRIGGER).orElseThrow());
        InvalidTokenException e = assertThrows(InvalidTokenException.class, () -> principal("ci-provider",
            Map.of("ci-provider", "forge"), meta, issuer.claims("job-1", "sigstore").claim("repo", "r").build()));
        assertTrue(e.getMessage().contains("not present"), e.getMessage());
    }
}
