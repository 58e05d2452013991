package dev.sigstack.ca.identity;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.sigstack.core.x509.FulcioOid;

/**
 * Fulcio's {@code certificate.Extensions} field names (JSON: {@code BuildSignerURI}; YAML: {@code build-signer-uri})
 * mapped to OIDs, for {@code ExtensionTemplates} of ci-provider metadata.
 */
final class ExtensionFields {
    private static final Map<String, FulcioOid> BY_NAME = new HashMap<>();

    static {
        put("Issuer", FulcioOid.ISSUER_V2);
        put("GithubWorkflowTrigger", FulcioOid.GITHUB_WORKFLOW_TRIGGER);
        put("GithubWorkflowSHA", FulcioOid.GITHUB_WORKFLOW_SHA);
        put("GithubWorkflowName", FulcioOid.GITHUB_WORKFLOW_NAME);
        put("GithubWorkflowRepository", FulcioOid.GITHUB_WORKFLOW_REPOSITORY);
        put("GithubWorkflowRef", FulcioOid.GITHUB_WORKFLOW_REF);
        put("BuildSignerURI", FulcioOid.BUILD_SIGNER_URI);
        put("BuildSignerDigest", FulcioOid.BUILD_SIGNER_DIGEST);
        put("RunnerEnvironment", FulcioOid.RUNNER_ENVIRONMENT);
        put("SourceRepositoryURI", FulcioOid.SOURCE_REPOSITORY_URI);
        put("SourceRepositoryDigest", FulcioOid.SOURCE_REPOSITORY_DIGEST);
        put("SourceRepositoryRef", FulcioOid.SOURCE_REPOSITORY_REF);
        put("SourceRepositoryIdentifier", FulcioOid.SOURCE_REPOSITORY_IDENTIFIER);
        put("SourceRepositoryOwnerURI", FulcioOid.SOURCE_REPOSITORY_OWNER_URI);
        put("SourceRepositoryOwnerIdentifier", FulcioOid.SOURCE_REPOSITORY_OWNER_IDENTIFIER);
        put("BuildConfigURI", FulcioOid.BUILD_CONFIG_URI);
        put("BuildConfigDigest", FulcioOid.BUILD_CONFIG_DIGEST);
        put("BuildTrigger", FulcioOid.BUILD_TRIGGER);
        put("RunInvocationURI", FulcioOid.RUN_INVOCATION_URI);
        put("SourceRepositoryVisibilityAtSigning", FulcioOid.SOURCE_REPOSITORY_VISIBILITY_AT_SIGNING);
        put("DeploymentEnvironment", FulcioOid.DEPLOYMENT_ENVIRONMENT);
        put("Subject", FulcioOid.TOKEN_SUBJECT);
    }

    private ExtensionFields() {
    }

    private static void put(String goName, FulcioOid oid) {
        BY_NAME.put(normalize(goName), oid);
    }

    private static String normalize(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** The OID for a JSON or YAML field name, or null if the name is not one of Fulcio's. */
    static FulcioOid byName(String name) {
        return BY_NAME.get(normalize(name));
    }
}
