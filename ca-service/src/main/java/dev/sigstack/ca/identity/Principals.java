package dev.sigstack.ca.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.sigstack.core.x509.FulcioExtensions;
import dev.sigstack.core.x509.FulcioOid;
import dev.sigstack.core.x509.SubjectAltName;

/**
 * Maps a verified token to a {@link Principal} by its issuer's type, as Fulcio's {@code pkg/identity/*} do.
 */
public final class Principals {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final IdentityConfig config;

    public Principals(IdentityConfig config) {
        this.config = config;
    }

    /**
     * The principal for a verified token; throws {@link InvalidTokenException} if its claims do not fit its type, or
     * if a value the certificate would carry cannot be written exactly (see {@link GoUrl}, {@link SubjectAltName}):
     * the CA never writes an identity other than the one the token proved.
     */
    public Principal of(VerifiedToken token) throws InvalidTokenException {
        try {
            return principal(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(e.getMessage());
        }
    }

    private Principal principal(VerifiedToken token) throws InvalidTokenException {
        OidcIssuer iss = token.issuer();
        JWTClaimsSet c = token.claims();
        String sub = c.getSubject();
        String issuer = iss.issuerUrl();
        return switch (iss.type()) {
            case EMAIL -> email(iss, c);
            case GITHUB_WORKFLOW -> github(issuer, c);
            case GITLAB_PIPELINE -> gitlab(issuer, c);
            case BUILDKITE_JOB -> {
                String url = "https://buildkite.com/" + required(c, "organization_slug") + "/" + required(c, "pipeline_slug");
                yield new Principal(sub, uriSan(url), base(issuer, sub).build());
            }
            case KUBERNETES -> {
                Map<String, Object> k8s = object(c, "kubernetes.io");
                String ns = string(k8s.get("namespace"));
                String sa = string(object(k8s.get("serviceaccount")).get("name"));
                if (ns.isEmpty() || sa.isEmpty()) {
                    throw new InvalidTokenException("kubernetes token lacks kubernetes.io namespace or serviceaccount name");
                }
                yield new Principal(sub, uriSan("https://kubernetes.io/namespaces/" + ns + "/serviceaccounts/" + sa),
                    base(issuer, sub).build());
            }
            case SPIFFE -> {
                spiffe(sub, iss.spiffeTrustDomain());
                yield new Principal(sub, uriSan(sub), base(issuer, sub).build());
            }
            case URI -> {
                if (EMAIL.matcher(sub).matches()) {
                    throw new InvalidTokenException("uri subject should not be an email address");
                }
                URI s = parse(sub);
                URI d = parse(iss.subjectDomain());
                if (s.getScheme() == null || !s.getScheme().equals(d.getScheme())) {
                    throw new InvalidTokenException("subject URI scheme must match the expected domain's scheme " + d.getScheme());
                }
                if (s.getHost() == null || !s.getHost().equals(d.getHost())) {
                    throw new InvalidTokenException("subject hostname must match the expected domain " + d.getHost());
                }
                yield new Principal(sub, uriSan(sub), base(issuer, sub).build());
            }
            case USERNAME -> {
                if (sub.contains("!")) {
                    throw new InvalidTokenException("username cannot contain ! character");
                }
                if (EMAIL.matcher(sub).matches()) {
                    throw new InvalidTokenException("username subject should not be an email address");
                }
                yield new Principal(sub, SubjectAltName.otherName(sub + "!" + iss.subjectDomain()), base(issuer, sub).build());
            }
            case CI_PROVIDER -> ciProvider(iss, c);
            case CODEFRESH_WORKFLOW -> codefresh(issuer, c);
            case CHAINGUARD -> chainguard(issuer, c);
        };
    }

    /** A URI SAN as Go's {@code url.Parse(s).String()} writes it, refused unless it names exactly {@code s}. */
    private static SubjectAltName uriSan(String s) throws InvalidTokenException {
        return SubjectAltName.uri(GoUrl.parse(s).checkedString(s));
    }

    /**
     * {@code url.Parse(base).JoinPath(elems...).String()} as Fulcio's github-workflow, codefresh and chainguard
     * principals write it, refused unless it names exactly {@code base/elem1/elem2...}.
     */
    private static String join(String base, String... elems) throws InvalidTokenException {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return GoUrl.parse(base).joinPath(CONSTANTS, elems).checkedString(b + "/" + String.join("/", elems));
    }

    /** Path elements the principals add themselves (never from a claim). */
    private static final List<String> CONSTANTS = List.of("actions/runs", "attempts", "build", "api", "pipelines", "-/jobs");

    private static FulcioExtensions.Builder base(String issuer, String subject) {
        return FulcioExtensions.builder(issuer).set(FulcioOid.TOKEN_SUBJECT, subject);
    }

    private static Principal email(OidcIssuer iss, JWTClaimsSet c) throws InvalidTokenException {
        Object emailClaim = c.getClaim("email");
        if (!(emailClaim instanceof String address) || address.isEmpty()) {
            throw new InvalidTokenException("token has no email claim");
        }
        Object verified = c.getClaim("email_verified");
        boolean isVerified = Boolean.TRUE.equals(verified) || "true".equals(verified);
        if (!iss.skipEmailVerification() && !isVerified) {
            throw new InvalidTokenException("email_verified claim was false");
        }
        if (!EMAIL.matcher(address).matches()) {
            throw new InvalidTokenException("email address is not valid");
        }
        String issuer = iss.issuerUrl();
        if (iss.issuerClaim() != null && !iss.issuerClaim().isEmpty()) {
            issuer = claimPath(c, iss.issuerClaim());
        }
        return new Principal(address, SubjectAltName.email(address), base(issuer, c.getSubject()).build());
    }

    private static Principal github(String issuer, JWTClaimsSet c) throws InvalidTokenException {
        String base = "https://github.com/";
        String jobWorkflowRef = required(c, "job_workflow_ref");
        String sha = required(c, "sha");
        String event = required(c, "event_name");
        String repo = required(c, "repository");
        String workflow = required(c, "workflow");
        String ref = required(c, "ref");
        String jobWorkflowSha = required(c, "job_workflow_sha");
        String runner = required(c, "runner_environment");
        String repoId = required(c, "repository_id");
        String owner = required(c, "repository_owner");
        String ownerId = required(c, "repository_owner_id");
        String visibility = required(c, "repository_visibility");
        String workflowRef = required(c, "workflow_ref");
        String workflowSha = required(c, "workflow_sha");
        String runId = required(c, "run_id");
        String attempt = required(c, "run_attempt");
        String signer = join(base, jobWorkflowRef);
        FulcioExtensions ext = base(issuer, c.getSubject())
            .set(FulcioOid.GITHUB_WORKFLOW_TRIGGER, event)
            .set(FulcioOid.GITHUB_WORKFLOW_SHA, sha)
            .set(FulcioOid.GITHUB_WORKFLOW_NAME, workflow)
            .set(FulcioOid.GITHUB_WORKFLOW_REPOSITORY, repo)
            .set(FulcioOid.GITHUB_WORKFLOW_REF, ref)
            .set(FulcioOid.BUILD_SIGNER_URI, signer)
            .set(FulcioOid.BUILD_SIGNER_DIGEST, jobWorkflowSha)
            .set(FulcioOid.RUNNER_ENVIRONMENT, runner)
            .set(FulcioOid.SOURCE_REPOSITORY_URI, join(base, repo))
            .set(FulcioOid.SOURCE_REPOSITORY_DIGEST, sha)
            .set(FulcioOid.SOURCE_REPOSITORY_REF, ref)
            .set(FulcioOid.SOURCE_REPOSITORY_IDENTIFIER, repoId)
            .set(FulcioOid.SOURCE_REPOSITORY_OWNER_URI, join(base, owner))
            .set(FulcioOid.SOURCE_REPOSITORY_OWNER_IDENTIFIER, ownerId)
            .set(FulcioOid.BUILD_CONFIG_URI, join(base, workflowRef))
            .set(FulcioOid.BUILD_CONFIG_DIGEST, workflowSha)
            .set(FulcioOid.BUILD_TRIGGER, event)
            .set(FulcioOid.RUN_INVOCATION_URI, join(base, repo, "actions/runs", runId, "attempts", attempt))
            .set(FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING, visibility)
            .build();
        return new Principal(c.getSubject(), SubjectAltName.uri(signer), ext);
    }

    private static Principal gitlab(String issuer, JWTClaimsSet c) throws InvalidTokenException {
        String base = "https://gitlab.com/";
        String project = required(c, "project_path");
        String source = required(c, "pipeline_source");
        required(c, "pipeline_id");
        String configRef = required(c, "ci_config_ref_uri");
        String jobId = required(c, "job_id");
        String refName = required(c, "ref");
        String refType = required(c, "ref_type");
        String namespace = required(c, "namespace_path");
        String namespaceId = required(c, "namespace_id");
        String projectId = required(c, "project_id");
        String sha = required(c, "sha");
        String runner = required(c, "runner_environment");
        if (string(c.getClaim("runner_id")).isEmpty() || "0".equals(string(c.getClaim("runner_id")))) {
            throw new InvalidTokenException("missing runner_id claim in ID token");
        }
        String ref = switch (refType) {
            case "branch" -> "refs/heads/" + refName;
            case "tag" -> "refs/tags/" + refName;
            default -> throw new InvalidTokenException("unexpected ref_type: " + refType);
        };
        // ci_config_ref_uri has no scheme (gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main): Fulcio parses
        // it as a relative URL and sets the scheme to https.
        String configUri = GoUrl.parse(configRef).withScheme("https").checkedString("https://" + configRef);
        String configSha = string(c.getClaim("ci_config_sha"));
        FulcioExtensions ext = base(issuer, c.getSubject())
            .set(FulcioOid.BUILD_CONFIG_URI, configUri)
            .set(FulcioOid.BUILD_CONFIG_DIGEST, configSha)
            .set(FulcioOid.BUILD_SIGNER_URI, configUri)
            .set(FulcioOid.BUILD_SIGNER_DIGEST, configSha)
            .set(FulcioOid.RUNNER_ENVIRONMENT, runner)
            .set(FulcioOid.SOURCE_REPOSITORY_URI, join(base, project))
            .set(FulcioOid.SOURCE_REPOSITORY_DIGEST, sha)
            .set(FulcioOid.SOURCE_REPOSITORY_REF, ref)
            .set(FulcioOid.SOURCE_REPOSITORY_IDENTIFIER, projectId)
            .set(FulcioOid.SOURCE_REPOSITORY_OWNER_URI, join(base, namespace))
            .set(FulcioOid.SOURCE_REPOSITORY_OWNER_IDENTIFIER, namespaceId)
            .set(FulcioOid.BUILD_TRIGGER, source)
            .set(FulcioOid.RUN_INVOCATION_URI, join(base, project, "-/jobs", jobId))
            .set(FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING, string(c.getClaim("project_visibility")))
            .build();
        return new Principal(c.getSubject(), SubjectAltName.uri(configUri), ext);
    }

    /** Fulcio's deprecated codefresh-workflow type ({@code pkg/identity/codefresh}). */
    private static Principal codefresh(String issuer, JWTClaimsSet c) throws InvalidTokenException {
        String accountId = required(c, "account_id");
        String pipelineId = required(c, "pipeline_id");
        String workflowId = required(c, "workflow_id");
        String platform = string(c.getClaim("platform_url"));
        platform = platform.isEmpty() ? "https://g.codefresh.io" : platform;
        String san = join(platform, string(c.getClaim("account_name")),
            string(c.getClaim("pipeline_name")) + ":" + accountId + "/" + pipelineId);
        FulcioExtensions ext = base(issuer, c.getSubject())
            .set(FulcioOid.BUILD_SIGNER_URI, join(platform, "build", workflowId))
            .set(FulcioOid.RUNNER_ENVIRONMENT, string(c.getClaim("runner_environment")))
            .set(FulcioOid.SOURCE_REPOSITORY_URI, string(c.getClaim("scm_repo_url")))
            .set(FulcioOid.SOURCE_REPOSITORY_REF, string(c.getClaim("scm_ref")))
            .set(FulcioOid.BUILD_CONFIG_URI, join(platform, "api", "pipelines", pipelineId))
            .set(FulcioOid.RUN_INVOCATION_URI, join(platform, "build", workflowId))
            .build();
        return new Principal(c.getSubject(), SubjectAltName.uri(san), ext);
    }

    /**
     * Fulcio's chainguard-identity type: SAN {@code <issuer>/<sub>}; the proof-of-possession name is the verified
     * email if the token has one, else the subject (sigstore's {@code oauthflow.SubjectFromToken}).
     */
    private static Principal chainguard(String issuer, JWTClaimsSet c) throws InvalidTokenException {
        String name = c.getSubject();
        Object email = c.getClaim("email");
        if (email instanceof String e && !e.isEmpty()) {
            Object verified = c.getClaim("email_verified");
            if (!(Boolean.TRUE.equals(verified) || "true".equals(verified))) {
                throw new InvalidTokenException("not verified by identity provider");
            }
            name = e;
        }
        return new Principal(name, SubjectAltName.uri(join(issuer, c.getSubject())), base(issuer, c.getSubject()).build());
    }

    private Principal ciProvider(OidcIssuer iss, JWTClaimsSet c) throws InvalidTokenException {
        CiIssuerMetadata meta = config.ciIssuerMetadata().get(iss.ciProvider());
        if (meta == null) {
            throw new InvalidTokenException("metadata not found for ci provider " + iss.ciProvider());
        }
        Map<String, String> data = new HashMap<>(meta.defaultTemplateValues());
        for (Map.Entry<String, Object> e : c.getClaims().entrySet()) {
            data.put(e.getKey(), string(e.getValue()));
        }
        if (meta.sanTemplate() == null || meta.sanTemplate().isBlank()) {
            throw new InvalidTokenException("SubjectAlternativeNameTemplate should not be empty. Issuer: " + iss.issuerUrl());
        }
        String san = apply(meta.sanTemplate(), data, "SubjectAlternativeName");
        FulcioExtensions.Builder b = base(iss.issuerUrl(), c.getSubject());
        for (Map.Entry<String, String> e : meta.extensionTemplates().entrySet()) {
            FulcioOid oid = ExtensionFields.byName(e.getKey());
            if (oid == null || oid == FulcioOid.ISSUER_V2 || oid == FulcioOid.TOKEN_SUBJECT || e.getValue().isBlank()) {
                continue;
            }
            b.set(oid, apply(e.getValue(), data, e.getKey()));
        }
        return new Principal(c.getSubject(), uriSan(san), b.build());
    }

    /** Fulcio's applyTemplateOrReplace: a Go template (it contains {@code {{}), or else a bare claim name. */
    static String apply(String template, Map<String, String> data, String what) throws InvalidTokenException {
        if (GoTemplate.isTemplate(template)) {
            try {
                return GoTemplate.parse(template).execute(data);
            } catch (InvalidIdentityConfigException e) {
                throw new InvalidTokenException("template for " + what + " cannot be used: " + e.getMessage());
            } catch (InvalidTokenException e) {
                throw new InvalidTokenException("template for " + what + ": " + e.getMessage());
            }
        }
        String v = data.get(template);
        if (v == null) {
            throw new InvalidTokenException("value <" + template + "> for " + what + " not present in either claims or defaults");
        }
        return v;
    }

    private static void spiffe(String id, String trustDomain) throws InvalidTokenException {
        if (!id.startsWith("spiffe://")) {
            throw new InvalidTokenException("invalid spiffe ID provided");
        }
        String rest = id.substring("spiffe://".length());
        int slash = rest.indexOf('/');
        String td = slash < 0 ? rest : rest.substring(0, slash);
        if (td.isEmpty() || !td.matches("[a-z0-9._-]+") || (slash >= 0 && !rest.substring(slash).matches("(/[A-Za-z0-9._-]+)+"))) {
            throw new InvalidTokenException("invalid spiffe ID provided");
        }
        if (!td.equals(trustDomain)) {
            throw new InvalidTokenException("spiffe ID trust domain " + td + " doesn't match configured trust domain " + trustDomain);
        }
    }

    private static String claimPath(JWTClaimsSet c, String path) throws InvalidTokenException {
        String p = path.startsWith("$.") ? path.substring(2) : path;
        Object cur = c.getClaims();
        for (String part : p.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                cur = null;
                break;
            }
            cur = m.get(part);
        }
        if (!(cur instanceof String s) || s.isEmpty()) {
            throw new InvalidTokenException("issuer claim " + path + " not found in token");
        }
        return s;
    }

    private static String required(JWTClaimsSet c, String claim) throws InvalidTokenException {
        String v = string(c.getClaim(claim));
        if (v.isEmpty()) {
            throw new InvalidTokenException("missing " + claim + " claim in ID token");
        }
        return v;
    }

    private static Map<String, Object> object(JWTClaimsSet c, String claim) throws InvalidTokenException {
        return object(c.getClaim(claim));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) throws InvalidTokenException {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidTokenException("token claim is not an object where one is required");
    }

    /**
     * Claim values as Fulcio renders them ({@code mapValuesToString}): numbers in Go's {@code strconv.FormatFloat(v,
     * 'f', -1, 64)} form (no exponent, no trailing {@code .0}), everything else as Go's {@code fmt} {@code %v}
     * ({@code [a b]} for arrays, {@code map[k:v]} with sorted keys for objects, {@code <nil>} for null).
     */
    static String string(Object o) {
        if (o == null) {
            return "";
        }
        return goValue(o);
    }

    private static String goValue(Object o) {
        if (o == null) {
            return "<nil>";
        }
        if (o instanceof Number n) {
            if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
                return n.toString();
            }
            double d = n.doubleValue();
            if (Double.isInfinite(d) || Double.isNaN(d)) {
                return d > 0 ? "+Inf" : d < 0 ? "-Inf" : "NaN";
            }
            return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : " ").append(goValue(l.get(i)));
            }
            return b.append(']').toString();
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("map[");
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                b.append(first ? "" : " ").append(e.getKey()).append(':').append(goValue(e.getValue()));
                first = false;
            }
            return b.append(']').toString();
        }
        return o.toString();
    }

    private static URI parse(String s) throws InvalidTokenException {
        try {
            return new URI(s);
        } catch (URISyntaxException | NullPointerException e) {
            throw new InvalidTokenException("subject is not a valid URI");
        }
    }
}
