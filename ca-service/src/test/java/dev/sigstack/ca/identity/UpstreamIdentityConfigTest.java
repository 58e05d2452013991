package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sigstack.ca.testing.TestOidcIssuer;
import dev.sigstack.core.testing.Vectors;
import dev.sigstack.core.x509.FulcioIdentity;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;

/**
 * Upstream Fulcio's {@code config/identity/config.yaml} (../shared/vectors/fulcio-identity/config.yaml), loaded
 * unchanged, and for a token shaped like each of its CI providers (signed by a test key pinned for the provider's
 * issuer URL) the certificate holds what Fulcio's templates give. Expected values are written out by hand from the
 * templates and Go's text/template semantics, not computed by the code under test.
 */
class UpstreamIdentityConfigTest {
    private static IdentityConfig config;
    private static ECKey key;

    @BeforeAll
    static void load() throws Exception {
        Path file = Vectors.dir("fulcio-identity").resolve("config.yaml");
        config = IdentityConfig.load(file);
        key = new ECKeyGenerator(Curve.P_256).keyID("test").generate();
    }

    private static FulcioIdentity issue(String iss, JWTClaimsSet.Builder claims) throws Exception {
        TokenVerifier v = new TokenVerifier(config, Clock.systemUTC());
        v.pinKeys(iss, new JWKSet(key.toPublicJWK()));
        Date now = new Date();
        String token = TestOidcIssuer.sign(claims.issuer(iss).audience("sigstore").issueTime(now)
            .expirationTime(new Date(now.getTime() + 600_000)).build(), key);
        return IssuedIdentities.issueAndDecode(new Principals(config).of(v.verify(token)));
    }

    private static void assertExtensions(Map<FulcioOid, String> expected, FulcioIdentity id) {
        assertEquals(new EnumMap<>(expected), new EnumMap<>(id.extensions().values()));
    }

    @Test
    void load_upstreamConfig_everyIssuerTypeAndMetaIssuer() {
        assertEquals(IssuerType.EMAIL, config.oidcIssuers().get("https://accounts.google.com").type());
        assertEquals(IssuerType.CHAINGUARD, config.oidcIssuers().get("https://issuer.enforce.dev").type());
        assertEquals("$.federated_claims.connector_id", config.oidcIssuers().get("https://oauth2.sigstore.dev/auth").issuerClaim());
        OidcIssuer gh = config.oidcIssuers().get("https://token.actions.githubusercontent.com");
        assertEquals(IssuerType.CI_PROVIDER, gh.type());
        assertEquals("github-workflow", gh.ciProvider());
        assertEquals("buddy-pipeline", config.oidcIssuers().get("https://oidc.buddyusercontent.com").ciProvider());
        assertEquals("codefresh-workflow", config.oidcIssuers().get("https://oidc.codefresh.io").ciProvider());
        assertEquals("buildkite-job", config.oidcIssuers().get("https://agent.buildkite.com").ciProvider());
        assertEquals("gitlab-pipeline", config.oidcIssuers().get("https://gitlab.com").ciProvider());
        assertEquals(java.util.Set.of("github-workflow", "gitlab-pipeline", "codefresh-workflow", "buildkite-job", "circleci-job",
            "buddy-pipeline"), config.ciIssuerMetadata().keySet());
        assertEquals("{{ .url }}/{{ .job_workflow_ref }}", config.ciIssuerMetadata().get("github-workflow").sanTemplate());
        assertEquals(IssuerType.KUBERNETES, config.issuerFor("https://oidc.eks.us-west-2.amazonaws.com/id/ABCDEF0123").orElseThrow().type());
        assertEquals(IssuerType.KUBERNETES, config.issuerFor("https://container.googleapis.com/v1/projects/p/locations/l/clusters/c")
            .orElseThrow().type());
        assertEquals("circleci-job", config.issuerFor("https://oidc.circleci.com/org/0f1e-2d3c").orElseThrow().ciProvider());
        assertEquals("github-workflow", config.issuerFor("https://token.actions.githubusercontent.com/acme").orElseThrow().ciProvider());
        // meta patterns match [-_a-zA-Z0-9]+ per star, anchored: no dots, slashes or suffixes
        assertTrue(config.issuerFor("https://oidc.eks.us-west-2.amazonaws.com/id/ABC/extra").isEmpty());
        assertTrue(config.issuerFor("https://oidc.eks.evil.com/x.amazonaws.com/id/ABC").isEmpty());
        assertFalse(config.issuerFor("https://oidc.prod-aks.azure.com/tenant-guid/").isEmpty());
    }

    static JWTClaimsSet.Builder github(String sub) {
        return new JWTClaimsSet.Builder().subject(sub)
            .claim("job_workflow_ref", "octo/repo/.github/workflows/rel.yml@refs/heads/main").claim("sha", "abc123")
            .claim("event_name", "push").claim("repository", "octo/repo").claim("workflow", "Release")
            .claim("ref", "refs/heads/main").claim("job_workflow_sha", "def456").claim("runner_environment", "github-hosted")
            .claim("repository_id", "42").claim("repository_owner", "octo").claim("repository_owner_id", "7")
            .claim("repository_visibility", "public").claim("workflow_ref", "octo/repo/.github/workflows/ci.yml@refs/heads/main")
            .claim("workflow_sha", "aaa111").claim("run_id", "1001").claim("run_attempt", "2");
    }

    @Test
    void issue_githubActionsToken_fulcioTemplates() throws Exception {
        String iss = "https://token.actions.githubusercontent.com";
        FulcioIdentity id = issue(iss, github("repo:octo/repo:ref:refs/heads/main").claim("environment", "prod"));
        assertEquals(SubjectAltName.uri("https://github.com/octo/repo/.github/workflows/rel.yml@refs/heads/main"), id.san());
        Map<FulcioOid, String> x = new LinkedHashMap<>();
        x.put(FulcioOid.ISSUER_V2, iss);
        x.put(FulcioOid.TOKEN_SUBJECT, "repo:octo/repo:ref:refs/heads/main");
        x.put(FulcioOid.GITHUB_WORKFLOW_TRIGGER, "push");
        x.put(FulcioOid.GITHUB_WORKFLOW_SHA, "abc123");
        x.put(FulcioOid.GITHUB_WORKFLOW_NAME, "Release");
        x.put(FulcioOid.GITHUB_WORKFLOW_REPOSITORY, "octo/repo");
        x.put(FulcioOid.GITHUB_WORKFLOW_REF, "refs/heads/main");
        x.put(FulcioOid.BUILD_SIGNER_URI, "https://github.com/octo/repo/.github/workflows/rel.yml@refs/heads/main");
        x.put(FulcioOid.BUILD_SIGNER_DIGEST, "def456");
        x.put(FulcioOid.RUNNER_ENVIRONMENT, "github-hosted");
        x.put(FulcioOid.SOURCE_REPOSITORY_URI, "https://github.com/octo/repo");
        x.put(FulcioOid.SOURCE_REPOSITORY_DIGEST, "abc123");
        x.put(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/main");
        x.put(FulcioOid.SOURCE_REPOSITORY_IDENTIFIER, "42");
        x.put(FulcioOid.SOURCE_REPOSITORY_OWNER_URI, "https://github.com/octo");
        x.put(FulcioOid.SOURCE_REPOSITORY_OWNER_IDENTIFIER, "7");
        x.put(FulcioOid.BUILD_CONFIG_URI, "https://github.com/octo/repo/.github/workflows/ci.yml@refs/heads/main");
        x.put(FulcioOid.BUILD_CONFIG_DIGEST, "aaa111");
        x.put(FulcioOid.BUILD_TRIGGER, "push");
        x.put(FulcioOid.RUN_INVOCATION_URI, "https://github.com/octo/repo/actions/runs/1001/attempts/2");
        x.put(FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING, "public");
        x.put(FulcioOid.DEPLOYMENT_ENVIRONMENT, "prod");
        assertExtensions(x, id);
        // without the optional environment claim the default "" applies and the extension is left out
        assertTrue(issue(iss, github("s")).extensions().get(FulcioOid.DEPLOYMENT_ENVIRONMENT).isEmpty());
    }

    @Test
    void issue_gitlabToken_fulcioTemplatesWithRefTypeConditional() throws Exception {
        String iss = "https://gitlab.com";
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().subject("project_path:grp/proj:ref_type:branch:ref:main")
            .claim("ci_config_ref_uri", "gitlab.com/grp/proj//.gitlab-ci.yml@refs/heads/main").claim("ci_config_sha", "c0ffee")
            .claim("runner_environment", "gitlab-hosted").claim("project_path", "grp/proj").claim("sha", "abc")
            .claim("ref_type", "branch").claim("ref", "main").claim("project_id", "11").claim("namespace_path", "grp")
            .claim("namespace_id", "3").claim("pipeline_source", "push").claim("job_id", "99").claim("project_visibility", "private");
        FulcioIdentity id = issue(iss, c);
        assertEquals(SubjectAltName.uri("https://gitlab.com/grp/proj//.gitlab-ci.yml@refs/heads/main"), id.san());
        Map<FulcioOid, String> x = new LinkedHashMap<>();
        x.put(FulcioOid.ISSUER_V2, iss);
        x.put(FulcioOid.TOKEN_SUBJECT, "project_path:grp/proj:ref_type:branch:ref:main");
        x.put(FulcioOid.BUILD_SIGNER_URI, "https://gitlab.com/grp/proj//.gitlab-ci.yml@refs/heads/main");
        x.put(FulcioOid.BUILD_SIGNER_DIGEST, "c0ffee");
        x.put(FulcioOid.RUNNER_ENVIRONMENT, "gitlab-hosted");
        x.put(FulcioOid.SOURCE_REPOSITORY_URI, "https://gitlab.com/grp/proj");
        x.put(FulcioOid.SOURCE_REPOSITORY_DIGEST, "abc");
        x.put(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/main");
        x.put(FulcioOid.SOURCE_REPOSITORY_IDENTIFIER, "11");
        x.put(FulcioOid.SOURCE_REPOSITORY_OWNER_URI, "https://gitlab.com/grp");
        x.put(FulcioOid.SOURCE_REPOSITORY_OWNER_IDENTIFIER, "3");
        x.put(FulcioOid.BUILD_CONFIG_URI, "https://gitlab.com/grp/proj//.gitlab-ci.yml@refs/heads/main");
        x.put(FulcioOid.BUILD_CONFIG_DIGEST, "c0ffee");
        x.put(FulcioOid.BUILD_TRIGGER, "push");
        x.put(FulcioOid.RUN_INVOCATION_URI, "https://gitlab.com/grp/proj/-/jobs/99");
        x.put(FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING, "private");
        assertExtensions(x, id);
        FulcioIdentity tag = issue(iss, c.claim("ref_type", "tag").claim("ref", "v1.0"));
        assertEquals("refs/tags/v1.0", tag.extensions().get(FulcioOid.SOURCE_REPOSITORY_REF).orElseThrow());
    }

    @Test
    void issue_codefreshToken_defaultPlatformUrl() throws Exception {
        String iss = "https://oidc.codefresh.io";
        FulcioIdentity id = issue(iss, new JWTClaimsSet.Builder().subject("account:A1:pipeline:P1")
            .claim("account_name", "acct").claim("pipeline_name", "proj/pipe").claim("account_id", "A1")
            .claim("pipeline_id", "P1").claim("workflow_id", "W1").claim("scm_repo_url", "https://github.com/o/r")
            .claim("scm_ref", "main"));
        assertEquals(SubjectAltName.uri("https://g.codefresh.io/acct/proj/pipe:A1/P1"), id.san());
        Map<FulcioOid, String> x = new LinkedHashMap<>();
        x.put(FulcioOid.ISSUER_V2, iss);
        x.put(FulcioOid.TOKEN_SUBJECT, "account:A1:pipeline:P1");
        x.put(FulcioOid.BUILD_SIGNER_URI, "https://g.codefresh.io/build/W1");
        x.put(FulcioOid.SOURCE_REPOSITORY_URI, "https://github.com/o/r");
        x.put(FulcioOid.SOURCE_REPOSITORY_REF, "main");
        x.put(FulcioOid.BUILD_CONFIG_URI, "https://g.codefresh.io/api/pipelines/P1");
        x.put(FulcioOid.RUN_INVOCATION_URI, "https://g.codefresh.io/build/W1");
        assertExtensions(x, id); // runner_environment defaults to "": left out
    }

    @Test
    void issue_buildkiteToken_numericClaimAndFragment() throws Exception {
        String iss = "https://agent.buildkite.com";
        FulcioIdentity id = issue(iss, new JWTClaimsSet.Builder().subject("organization:acme:pipeline:app:ref:refs/heads/main")
            .claim("organization_slug", "acme").claim("pipeline_slug", "app").claim("build_number", 7)
            .claim("job_id", "0190-aa").claim("runner_environment", "buildkite-hosted").claim("build_commit", "abc")
            .claim("build_source", "webhook"));
        assertEquals(SubjectAltName.uri("https://buildkite.com/acme/app"), id.san());
        Map<FulcioOid, String> x = new LinkedHashMap<>();
        x.put(FulcioOid.ISSUER_V2, iss);
        x.put(FulcioOid.TOKEN_SUBJECT, "organization:acme:pipeline:app:ref:refs/heads/main");
        x.put(FulcioOid.RUN_INVOCATION_URI, "https://buildkite.com/acme/app/builds/7#0190-aa");
        x.put(FulcioOid.RUNNER_ENVIRONMENT, "buildkite-hosted");
        x.put(FulcioOid.SOURCE_REPOSITORY_DIGEST, "abc");
        x.put(FulcioOid.BUILD_TRIGGER, "webhook");
        assertExtensions(x, id);
    }

    @Test
    void issue_circleciToken_indexTemplatesAndMetaIssuer() throws Exception {
        String iss = "https://oidc.circleci.com/org/0f1e-2d3c";
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().subject("org/0f1e-2d3c/project/P/user/U")
            .claim("oidc.circleci.com/project-id", "P").claim("oidc.circleci.com/pipeline-definition-id", "D")
            .claim("oidc.circleci.com/pipeline-id", "PL").claim("oidc.circleci.com/workflow-id", "WF")
            .claim("oidc.circleci.com/job-id", "J").claim("oidc.circleci.com/vcs-ref", "refs/heads/main")
            .claim("oidc.circleci.com/vcs-origin", "github.com/o/r").claim("oidc.circleci.com/ssh-rerun", false);
        FulcioIdentity id = issue(iss, c);
        assertEquals(SubjectAltName.uri("https://circleci.com/api/v2/projects/P/pipeline-definitions/D"), id.san());
        Map<FulcioOid, String> x = new LinkedHashMap<>();
        x.put(FulcioOid.ISSUER_V2, iss);
        x.put(FulcioOid.TOKEN_SUBJECT, "org/0f1e-2d3c/project/P/user/U");
        x.put(FulcioOid.BUILD_CONFIG_URI, "https://circleci.com/api/v2/pipeline/PL/config");
        x.put(FulcioOid.BUILD_SIGNER_URI, "https://circleci.com/api/v2/projects/P/pipeline-definitions/D");
        // platform_url's default ends with '/', and the template adds another: Go's template concatenates as written
        x.put(FulcioOid.RUN_INVOCATION_URI, "https://app.circleci.com//workflow/WF/job/J");
        // the else branch of the template writes two double-quote characters
        x.put(FulcioOid.RUNNER_ENVIRONMENT, "\"\"");
        x.put(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/main");
        x.put(FulcioOid.SOURCE_REPOSITORY_URI, "github.com/o/r");
        assertExtensions(x, id);
        FulcioIdentity rerun = issue(iss, c.claim("oidc.circleci.com/ssh-rerun", true));
        assertEquals("ssh-rerun", rerun.extensions().get(FulcioOid.RUNNER_ENVIRONMENT).orElseThrow());
    }

    @Test
    void issue_buddyToken_defaultsAndNumericIds() throws Exception {
        String iss = "https://oidc.buddyusercontent.com";
        FulcioIdentity id = issue(iss, new JWTClaimsSet.Builder().subject("ws:proj:12")
            .claim("workspace_domain", "ws").claim("project_name", "proj").claim("pipeline_id", 12).claim("execution_id", 34)
            .claim("triggered_on", "PUSH").claim("runner_environment", "platform-hosted").claim("revision", "abc")
            .claim("ref", "refs/heads/main"));
        assertEquals(SubjectAltName.uri("https://app.buddy.works/ws/proj/pipelines/pipeline/12"), id.san());
        Map<FulcioOid, String> x = new LinkedHashMap<>();
        x.put(FulcioOid.ISSUER_V2, iss);
        x.put(FulcioOid.TOKEN_SUBJECT, "ws:proj:12");
        x.put(FulcioOid.BUILD_SIGNER_URI, "https://app.buddy.works/ws/proj/pipelines/pipeline/12");
        x.put(FulcioOid.BUILD_TRIGGER, "PUSH");
        x.put(FulcioOid.RUNNER_ENVIRONMENT, "platform-hosted");
        x.put(FulcioOid.SOURCE_REPOSITORY_URI, "https://app.buddy.works/ws/proj");
        x.put(FulcioOid.SOURCE_REPOSITORY_DIGEST, "abc");
        x.put(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/main");
        x.put(FulcioOid.SOURCE_REPOSITORY_OWNER_URI, "https://app.buddy.works/ws");
        x.put(FulcioOid.RUN_INVOCATION_URI, "https://app.buddy.works/ws/proj/pipelines/pipeline/12/execution/34");
        assertExtensions(x, id);
    }

    @Test
    void issue_chainguardToken_issuerJoinedSubject() throws Exception {
        String iss = "https://issuer.enforce.dev";
        FulcioIdentity id = issue(iss, new JWTClaimsSet.Builder().subject("a1b2c3/d4e5f6"));
        assertEquals(SubjectAltName.uri("https://issuer.enforce.dev/a1b2c3/d4e5f6"), id.san());
        assertExtensions(Map.of(FulcioOid.ISSUER_V2, iss, FulcioOid.TOKEN_SUBJECT, "a1b2c3/d4e5f6"), id);
    }
}
