package dev.sigstack.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.core.tls.ServingCertificates;
import dev.sigstack.gate.admission.AdmissionHandler;
import dev.sigstack.gate.admission.AdmissionServer;
import dev.sigstack.gate.admission.Cluster;
import dev.sigstack.gate.admission.GateMetrics;
import dev.sigstack.gate.admission.GateSettings;
import dev.sigstack.gate.admission.PolicyAdmission;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.trustroot.TrustRoots;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.Environment;
import dev.sigstack.gate.verify.PolicyEngine;
import dev.sigstack.gate.verify.TrustedMaterial;
import dev.sigstack.tuf.Packager;
import dev.sigstack.tuf.TufRepository;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The admission gate as {@code ./sigstack run} starts it: the same webhook engine as {@code admission-gate serve},
 * but with no Kubernetes API server behind it. Its ClusterImagePolicies are the YAML files in
 * {@code <data>/gate/policies} (re-read when they change), its only TrustRoot is the stack's own TUF repository
 * packaged as a policy-controller {@code TrustRoot} resource ({@code <data>/gate/trustroot.yaml}, the same file a
 * cluster would apply), every namespace is in scope, and Events go to the log. A new data directory gets one
 * policy: every image must be signed keyless by an identity of the stack's development issuer, with its SCT and
 * Rekor entry.
 */
final class StandaloneGate implements AutoCloseable {
    static final String TRUST_ROOT = "sigstack";
    static final String NAMESPACE = "sigstack";
    static final String DEFAULT_POLICY = "sigstack-keyless.yaml";
    private static final String MANAGED = "# Managed by ./sigstack run, rewritten with this run's URLs at each start while this"
            + " line is here.\n# Delete this line to keep your edits; add policies as other files (the gate re-reads"
            + " this folder).\n";
    private static final System.Logger LOG = System.getLogger(StandaloneGate.class.getName());
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final AdmissionServer server;
    private final X509Certificate certificate;
    private final Path policyDir;

    private StandaloneGate(AdmissionServer server, X509Certificate certificate, Path policyDir) {
        this.server = server;
        this.certificate = certificate;
        this.policyDir = policyDir;
    }

    /** What the gate trusts and where its policies point. */
    record Trust(Path tufRepo, URI tufMirror, String caUrl, String rekorUrl, String issuerUrl) {
    }

    static StandaloneGate start(Path dir, String host, int port, Trust trust, Set<String> plainHttpRegistries)
            throws IOException, GeneralSecurityException, Packager.RefusedException, dev.sigstack.core.tuf.TufException {
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("tls-key.pem");
        Path certFile = dir.resolve("tls.pem");
        PrivateKey tlsKey;
        X509Certificate cert;
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            tlsKey = Pem.readKeyPair(Files.readString(keyFile), null).getPrivate();
            cert = Pem.readCertificates(Files.readString(certFile)).get(0);
        } else {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            tlsKey = kp.getPrivate();
            cert = ServingCertificates.selfSigned(kp, "sigstack-admission-gate", host, Duration.ofDays(365));
            dev.sigstack.core.secrets.SecretFiles.writeString(keyFile, Pem.ecPrivateKey(kp)); // owner-only, atomic
            Files.writeString(certFile, Pem.certificate(cert));
        }

        // The stack's TUF repository as the TrustRoot resource a cluster would get (repository form: root and
        // mirrorFS inline), read back through the gate's own TrustRoot reader and TUF client.
        Packager.Package pkg = Packager.build(TufRepository.open(trust.tufRepo()), TRUST_ROOT, 1, trust.tufMirror(),
                Duration.ofDays(7), Instant.now());
        Files.writeString(dir.resolve("trustroot.yaml"), pkg.repositoryYaml());
        Files.writeString(dir.resolve("trustroot-remote.yaml"), pkg.remoteYaml());
        TrustedMaterial material = TrustRoots.read(YAML.readTree(pkg.repositoryYaml()));

        Path policyDir = dir.resolve("policies");
        Path managed = policyDir.resolve(DEFAULT_POLICY);
        if (!Files.isDirectory(policyDir)) {
            Files.createDirectories(policyDir);
            Files.writeString(managed, defaultPolicy(trust));
        } else if (Files.exists(managed) && Files.readString(managed).startsWith(MANAGED)) {
            Files.writeString(managed, defaultPolicy(trust)); // this run's URLs (ports may differ)
        }
        PolicyFiles policies = new PolicyFiles(policyDir, GateConfig.defaults());
        policies.get(); // a broken policy file stops the start with its message

        RegistryClient registry = new RegistryClient(new RegistryClient.Options(Set.copyOf(plainHttpRegistries),
                null, Duration.ofSeconds(10), 4L << 20, 32L << 20));
        PolicyEngine engine = new PolicyEngine(registry, GateConfig::defaults, policies, new StackEnvironment(material),
                Clock.systemUTC(), Duration.ofMinutes(5));
        policies.onChange(engine::invalidate);
        GateMetrics metrics = new GateMetrics();
        AdmissionHandler handler = new AdmissionHandler(engine, new AllNamespaces(), new GateSettings(
                GateSettings.Mutation.ALL, GateSettings.defaults().includeLabel(),
                GateSettings.defaults().breakGlassLabel(), null), metrics);
        AdmissionServer server = AdmissionServer.start(host, port, tlsKey, List.of(cert), handler,
                new PolicyAdmission(GateConfig::defaults, NAMESPACE), metrics);
        return new StandaloneGate(server, cert, policyDir);
    }

    int port() {
        return server.port();
    }

    /** The webhook's self-signed serving certificate (a cluster's caBundle, a client's trust anchor). */
    X509Certificate certificate() {
        return certificate;
    }

    Path policyDir() {
        return policyDir;
    }

    @Override
    public void close() {
        server.close();
    }

    static String defaultPolicy(Trust trust) {
        return MANAGED + """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata:
                  name: sigstack-keyless
                spec:
                  images:
                  - glob: "**"
                  authorities:
                  - name: stack-ci
                    keyless:
                      url: %s
                      trustRootRef: %s
                      identities:
                      - issuer: %s
                        subjectRegExp: ".+"
                    ctlog:
                      url: %s
                      trustRootRef: %s
                """.formatted(trust.caUrl(), TRUST_ROOT, trust.issuerUrl(), trust.rekorUrl(), TRUST_ROOT);
    }

    /** The policy files, compiled again when a file is added, removed or changed (checked at most once a second). */
    private static final class PolicyFiles implements java.util.function.Supplier<List<CompiledPolicy>> {
        private final Path dir;
        private final GateConfig config;
        private Runnable onChange = () -> { };
        private List<CompiledPolicy> compiled = List.of();
        private String stamp = "";
        private long checkedAt;

        PolicyFiles(Path dir, GateConfig config) {
            this.dir = dir;
            this.config = config;
        }

        void onChange(Runnable r) {
            onChange = r;
        }

        @Override
        public synchronized List<CompiledPolicy> get() {
            long now = System.nanoTime();
            if (checkedAt != 0 && now - checkedAt < 1_000_000_000L) {
                return compiled;
            }
            checkedAt = now;
            try {
                List<Path> files = files();
                StringBuilder s = new StringBuilder();
                for (Path f : files) {
                    s.append(f).append('@').append(Files.getLastModifiedTime(f).toMillis()).append('@')
                            .append(Files.size(f)).append(';');
                }
                if (s.toString().equals(stamp)) {
                    return compiled;
                }
                List<CompiledPolicy> next = new ArrayList<>();
                for (Path f : files) {
                    try {
                        for (Policies.Loaded l : Policies.loadAll(Files.readString(f), config, NAMESPACE)) {
                            l.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, f + ": " + w));
                            next.add(CompiledPolicy.compile(l.policy()));
                        }
                    } catch (PolicyException | IllegalArgumentException | IOException e) {
                        if (stamp.isEmpty()) {
                            throw new PolicyException(f + ": " + e.getMessage(), e); // at start: refuse to start
                        }
                        // as policy-controller's webhook refuses an invalid ClusterImagePolicy: the policies in
                        // force stay as they were until the folder holds valid ones again
                        LOG.log(System.Logger.Level.ERROR, "admission gate: " + f + " refused, the previous "
                                + compiled.size() + " policies stay in force: " + e.getMessage());
                        stamp = s.toString();
                        return compiled;
                    }
                }
                if (!stamp.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "admission gate: policies re-read from " + dir + " ("
                            + next.size() + ")");
                }
                compiled = List.copyOf(next);
                stamp = s.toString();
                onChange.run();
                return compiled;
            } catch (IOException e) {
                throw new PolicyException("cannot read the policies in " + dir + ": " + e.getMessage(), e);
            }
        }

        private List<Path> files() throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")
                        || p.toString().endsWith(".json")).sorted().toList();
            }
        }
    }

    /** The stack's TrustRoot is the only one and the default; there are no Secrets. */
    private record StackEnvironment(TrustedMaterial material) implements Environment {
        @Override
        public Optional<TrustedMaterial> trustRoot(String name) {
            return name == null || name.isEmpty() || name.equals(material.name()) ? Optional.of(material)
                    : Optional.empty();
        }

        @Override
        public Optional<Map<String, byte[]>> secret(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public String systemNamespace() {
            return NAMESPACE;
        }

        @Override
        public String version() {
            return material.version();
        }
    }

    /** No API server: every namespace is opted in, and Events are log lines. */
    private static final class AllNamespaces implements Cluster {
        @Override
        public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
            return java.util.Optional.of(Map.of(GateSettings.defaults().includeLabel(), "true"));
        }

        @Override
        public void event(String namespace, String kind, String apiVersion, String name, String uid, String type,
                String reason, String message) {
            LOG.log("Warning".equals(type) ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    "admission " + reason + " " + kind + " " + namespace + "/" + name + ": " + message);
        }
    }
}
