package dev.sigstack.gate.testing;

import dev.sigstack.ca.CaConfig;
import dev.sigstack.ca.CaServer;
import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.gate.verify.TrustedMaterial;
import dev.sigstack.tlog.TlogServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our stack, in-process and over loopback HTTP, as a site runs it: a Rekor v1 log and an RFC 6962 CT log
 * ({@code TlogServer}), and the CA ({@code CaServer}) with its development OIDC issuer, its CT client pointed at our
 * CT log by URL, and its RFC 3161 timestamp authority.
 *
 * <p>The site's CI issuer ({@link #CI_ISSUER}) is a {@code ci-provider} issuer in the CA's Fulcio identity config, with
 * SAN and extension templates like the ones Fulcio ships for forges; its tokens are minted by the development issuer
 * (the CA trusts the development issuer's signing key for it through a static JWKS file, the air-gapped way to
 * configure an issuer). The development issuer's own URL stays an e-mail issuer, reachable over HTTP
 * ({@code /dev-oidc/token}).
 */
public final class SigstackStack implements AutoCloseable {
    /** The CI's OIDC issuer URL (the {@code iss} of CI tokens). */
    public static final String CI_ISSUER = "https://ci.git.internal";
    /** The forge the CI builds from. */
    public static final String FORGE = "https://git.internal";

    private final Path dir;
    private final TlogServer rekor;
    private final TlogServer ctLog;
    private final CaServer ca;

    private SigstackStack(Path dir, TlogServer rekor, TlogServer ctLog, CaServer ca) {
        this.dir = dir;
        this.rekor = rekor;
        this.ctLog = ctLog;
        this.ca = ca;
    }

    /** Starts the stack in a fresh temporary directory (H2 stores, generated keys). */
    public static SigstackStack start() throws Exception {
        Path dir = Files.createTempDirectory("gate-stack");
        TlogServer rekor = null;
        TlogServer ct = null;
        CaServer ca = null;
        try {
            rekor = TlogServer.start(TlogServer.Config.defaults(dir.resolve("rekor"))
                    .withJdbcUrl("jdbc:h2:file:" + dir.resolve("rekor/db").toAbsolutePath())
                    .withKeyFile(dir.resolve("rekor/key.pem")).withApi(TlogServer.Api.REKOR_V1), null);
            // The CA is configured with the CT log's URL; the CT log needs the CA's root: the port comes first.
            int ctPort = freePort();
            Path identity = dir.resolve("identity.yaml");
            Files.writeString(identity, identityConfig());
            ca = CaServer.start(CaConfig.builder(dir.resolve("ca")).devIssuer(true).grpcPort(-1)
                    .identityConfig(identity).ctLogUrl(URI.create("http://127.0.0.1:" + ctPort + "/")).build());
            // The CI issuer's keys: the development issuer's signing key, as a static JWKS.
            Files.writeString(dir.resolve("ci-jwks.json"), ca.devIssuer().publicKeys().toString(true));
            List<X509Certificate> chain = ca.chain();
            ct = TlogServer.start(TlogServer.Config.defaults(dir.resolve("ct"))
                    .withJdbcUrl("jdbc:h2:file:" + dir.resolve("ct/db").toAbsolutePath())
                    .withKeyFile(dir.resolve("ct/key.pem")).withCtRoots(List.of(chain.get(chain.size() - 1)))
                    .withApi(TlogServer.Api.CT).withPort(ctPort), null);
            return new SigstackStack(dir, rekor, ct, ca);
        } catch (Exception | Error e) {
            for (AutoCloseable c : new AutoCloseable[] {ca, ct, rekor}) {
                if (c != null) {
                    c.close();
                }
            }
            throw e;
        }
    }

    /**
     * A Fulcio identity config with the site's CI as a {@code ci-provider} issuer: the SAN is the workflow at its
     * ref ({@code https://git.internal/<repo>/<workflow path>@<ref>}), as branch-built workflow identities are.
     */
    static String identityConfig() {
        return """
                oidc-issuers:
                  %1$s:
                    issuer-url: %1$s
                    client-id: sigstore
                    type: ci-provider
                    ci-provider: internal-ci
                    jwks-file: ci-jwks.json
                ci-issuer-metadata:
                  internal-ci:
                    default-template-values:
                      url: %2$s
                    subject-alternative-name-template: "{{ .url }}/{{ .job_workflow_ref }}"
                    extension-templates:
                      build-signer-uri: "{{ .url }}/{{ .job_workflow_ref }}"
                      build-signer-digest: job_workflow_sha
                      runner-environment: runner_environment
                      source-repository-uri: "{{ .url }}/{{ .repository }}"
                      source-repository-digest: sha
                      source-repository-ref: ref
                      source-repository-identifier: repository_id
                      build-config-uri: "{{ .url }}/{{ .job_workflow_ref }}"
                      build-config-digest: job_workflow_sha
                      build-trigger: event_name
                      run-invocation-uri: "{{ .url }}/{{ .repository }}/runs/{{ .run_id }}/attempts/{{ .run_attempt }}"
                """.formatted(CI_ISSUER, FORGE);
    }

    /**
     * A CI token for the workflow {@code .ci/release.yml} of {@code repository} (e.g. {@code team/app}) built at
     * {@code ref} (e.g. {@code refs/heads/main}), minted by the development issuer's key for the CI issuer.
     */
    public String ciToken(String repository, String ref) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", CI_ISSUER);
        claims.put("repository", repository);
        claims.put("repository_id", Integer.toString(Math.abs(repository.hashCode())));
        claims.put("ref", ref);
        claims.put("sha", "2f1ad1c3e9a1c0f3d5b4e2a19c7d9e1f0a2b3c4d");
        claims.put("job_workflow_ref", repository + "/.ci/release.yml@" + ref);
        claims.put("job_workflow_sha", "9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4");
        claims.put("event_name", "push");
        claims.put("runner_environment", "self-hosted");
        claims.put("run_id", "1234");
        claims.put("run_attempt", "1");
        return ca.devIssuer().mint("repo:" + repository + ":ref:" + ref, null, "sigstore", claims);
    }

    /** The CA's base URL (Fulcio REST, {@code /api/v2/signingCert}, {@code /api/v1/timestamp}). */
    public String caUrl() {
        return "http://127.0.0.1:" + ca.httpPort();
    }

    /** The development issuer's URL (its tokens name an e-mail). */
    public String devIssuerUrl() {
        return ca.devIssuerUrl();
    }

    /** The Rekor v1 base URL. */
    public String rekorUrl() {
        return "http://127.0.0.1:" + rekor.port();
    }

    /**
     * The stack's {@code trusted_root.json}, built from the running services' keys as the launcher publishes it
     * through TUF: the CA chain, the Rekor key, the CT log key, the TSA chain.
     */
    public byte[] trustedRootJson() {
        StackDescription.Window since = new StackDescription.Window(Instant.now().minus(Duration.ofDays(1)), null);
        StackDescription stack = new StackDescription(
                List.of(new StackDescription.CertificateAuthority(caUrl(), ca.chain(), since)),
                List.of(new StackDescription.TransparencyLog(rekorUrl(), rekor.publicKey(), since, null)),
                List.of(new StackDescription.TransparencyLog("http://127.0.0.1:" + ctLog.port(), ctLog.publicKey(),
                        since, null)),
                List.of(new StackDescription.CertificateAuthority(caUrl() + "/api/v1/timestamp",
                        ca.timestampAuthority().chain(), since)),
                List.of(), List.of(), List.of(), List.of());
        return TrustMaterial.json(TrustMaterial.trustedRoot(stack));
    }

    /** The gate's view of {@link #trustedRootJson()}, read by the gate's own TrustRoot code. */
    public TrustedMaterial trustRoot(String name) {
        return TrustRoots.fromTrustedRoot(name, "1", trustedRootJson());
    }

    @Override
    public void close() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {ca, ctLog, rekor}) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
        dev.sigstack.core.testing.Trees.deleteTree(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
