package dev.sigstack.ca.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityConfigTest {

    private static IdentityConfig read(String s) throws InvalidIdentityConfigException {
        return IdentityConfig.read(s.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void read_fulcioYaml_allFields() throws Exception {
        IdentityConfig c = read("""
            oidc-issuers:
              https://accounts.example.com:
                issuer-url: https://accounts.example.com
                client-id: sigstore
                type: email
                issuer-claim: $.federated_claims.connector_id
                skip-email-verification: true
              https://spiffe.example.com:
                issuer-url: https://spiffe.example.com
                client-id: sigstore
                type: spiffe
                spiffe-trust-domain: example.com
            meta-issuers:
              https://oidc.eks.*.amazonaws.com/id/*:
                client-id: sigstore
                type: kubernetes
            """);
        OidcIssuer email = c.oidcIssuers().get("https://accounts.example.com");
        assertEquals(IssuerType.EMAIL, email.type());
        assertEquals("$.federated_claims.connector_id", email.issuerClaim());
        assertTrue(email.skipEmailVerification());
        assertEquals("email", email.effectiveChallengeClaim());
        assertEquals("example.com", c.oidcIssuers().get("https://spiffe.example.com").spiffeTrustDomain());
        assertEquals(IssuerType.KUBERNETES, c.issuerFor("https://oidc.eks.us-west-2.amazonaws.com/id/B02C93B6").orElseThrow().type());
    }

    @Test
    void read_fulcioJson_allFields() throws Exception {
        IdentityConfig c = read("""
            {"OIDCIssuers": {"https://gitlab.example.com": {"IssuerURL": "https://gitlab.example.com", "ClientID": "sigstore",
              "Type": "ci-provider", "CIProvider": "gitlab", "ChallengeClaim": "sub"}},
             "MetaIssuers": {"https://token.actions.*.example.com": {"ClientID": "sigstore", "Type": "github-workflow"}},
             "CIIssuerMetadata": {"gitlab": {"DefaultTemplateValues": {"url": "https://gitlab.example.com"},
               "ExtensionTemplates": {"BuildSignerURI": "{{ .url }}/{{ .ci_config_ref_uri }}", "RunnerEnvironment": "runner_environment"},
               "SubjectAlternativeNameTemplate": "{{ .url }}/{{ .project_path }}"}}}
            """);
        assertEquals("gitlab", c.oidcIssuers().get("https://gitlab.example.com").ciProvider());
        CiIssuerMetadata m = c.ciIssuerMetadata().get("gitlab");
        assertEquals("{{ .url }}/{{ .project_path }}", m.sanTemplate());
        assertEquals("runner_environment", m.extensionTemplates().get("RunnerEnvironment"));
        assertTrue(c.issuerFor("https://token.actions.corp.example.com").isPresent());
    }

    @ParameterizedTest
    @CsvSource({
        "https://oidc.eks.us-west-2.amazonaws.com/id/ABC, true",
        "https://oidc.eks.us-west-2.amazonaws.com/id/ABC/extra, false",
        "http://localhost:3000?https://oidc.eks.x.amazonaws.com/id/ABC, false",
        "https://oidc.eks.a.b.amazonaws.com/id/ABC, false",
        "https://oidc.eks.us-west-2.amazonaws.com/id/, false",
        "https://oidc.eksXus.amazonaws.com/id/ABC, false"})
    void issuerFor_metaWildcard_isAnchoredAndSingleSegment(String url, boolean matches) throws Exception {
        IdentityConfig c = read("""
            meta-issuers:
              https://oidc.eks.*.amazonaws.com/id/*:
                client-id: sigstore
                type: kubernetes
            """);
        assertEquals(matches, c.issuerFor(url).isPresent(), url);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: nonsense}}| unsupported issuer type",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: spiffe}}| SPIFFETrustDomain",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: uri}}| SubjectDomain",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: uri, subject-domain: https://b.other.com}}| do not match",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: username, subject-domain: https://example.com}}| should not contain scheme",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: github-workflow, issuer-claim: $.x}}| only email issuers",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: email, ca-cert: notapem}}| CA certificate",
        "oidc-issuers: {https://a.example.com: {issuer-url: https://a.example.com, type: ci-provider, ci-provider: none}}| CIIssuerMetadata",
        "meta-issuers: {https://*.example.com: {type: spiffe}}| SPIFFE meta issuers",
        "[1, 2]| must be a mapping"})
    void read_invalidConfig_throwsWithReason(String yaml, String expected) {
        InvalidIdentityConfigException e = assertThrows(InvalidIdentityConfigException.class, () -> read(yaml));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void issuerFor_unknown_empty() throws Exception {
        assertFalse(IdentityConfig.empty().issuerFor("https://x.example.com").isPresent());
    }
}
