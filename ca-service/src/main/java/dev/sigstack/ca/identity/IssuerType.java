package dev.sigstack.ca.identity;

import java.util.Arrays;

/** Fulcio's issuer types (the {@code Type} of an issuer in the identity config) that this CA supports. */
public enum IssuerType {
    EMAIL("email", "email"),
    GITHUB_WORKFLOW("github-workflow", "sub"),
    GITLAB_PIPELINE("gitlab-pipeline", "sub"),
    BUILDKITE_JOB("buildkite-job", "sub"),
    KUBERNETES("kubernetes", "sub"),
    SPIFFE("spiffe", "sub"),
    URI("uri", "sub"),
    USERNAME("username", "sub"),
    CI_PROVIDER("ci-provider", "sub"),
    CODEFRESH_WORKFLOW("codefresh-workflow", "sub"),
    CHAINGUARD("chainguard-identity", "sub");

    private final String configName;
    private final String defaultChallengeClaim;

    IssuerType(String configName, String defaultChallengeClaim) {
        this.configName = configName;
        this.defaultChallengeClaim = defaultChallengeClaim;
    }

    /** The name used in Fulcio's config file and in {@code GetConfiguration}. */
    public String configName() {
        return configName;
    }

    public String defaultChallengeClaim() {
        return defaultChallengeClaim;
    }

    /** Looks up a type by its config name; throws {@link InvalidIdentityConfigException} for unknown ones. */
    public static IssuerType fromConfig(String name) throws InvalidIdentityConfigException {
        return Arrays.stream(values()).filter(t -> t.configName.equals(name)).findFirst()
            .orElseThrow(() -> new InvalidIdentityConfigException("unsupported issuer type '" + name + "'"));
    }
}
