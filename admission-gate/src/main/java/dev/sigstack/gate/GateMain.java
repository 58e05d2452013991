package dev.sigstack.gate;

import dev.sigstack.core.logging.Logs;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.gate.admission.AdmissionHandler;
import dev.sigstack.gate.admission.AdmissionServer;
import dev.sigstack.gate.admission.GateMetrics;
import dev.sigstack.gate.admission.GateSettings;
import dev.sigstack.gate.admission.NamespaceSelector;
import dev.sigstack.gate.admission.PolicyAdmission;
import dev.sigstack.gate.kube.KubeState;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.gate.tester.PolicyTester;
import dev.sigstack.gate.verify.PolicyEngine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admission-gate serve} (the webhook) and {@code admission-gate test} (the policy tester). */
@Command(name = "admission-gate", mixinStandardHelpOptions = true, version = "admission-gate 0.1.0",
        scope = CommandLine.ScopeType.INHERIT, // the version on the subcommands too
        subcommands = {GateMain.Serve.class, PolicyTester.class},
        description = "sigstack admission gate: ClusterImagePolicy enforcement against the site's internal root.")
public final class GateMain implements Runnable {
    public static void main(String[] args) {
        Logs.configure();
        System.exit(new CommandLine(new GateMain()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The webhook. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the admission webhook over TLS.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "0.0.0.0")
        String host;
        @Option(names = "--port", defaultValue = "8443")
        int port;
        @Option(names = "--tls-cert", required = true, description = "serving certificate chain (PEM)")
        Path tlsCert;
        @Option(names = "--tls-key", required = true, description = "serving private key (PEM)")
        Path tlsKey;
        @Option(names = "--namespace", defaultValue = "${env:SYSTEM_NAMESPACE:-cosign-system}",
                description = "the gate's namespace (config, key Secrets, pull secrets)")
        String namespace;
        @Option(names = "--default-trust-root", required = true,
                description = "TrustRoot used by keyless authorities without trustRootRef (there is no public "
                        + "default)")
        String defaultTrustRoot;
        @Option(names = "--mutation", defaultValue = "all", description = "tag-to-digest mutation: off, pods, all")
        String mutation;
        @Option(names = "--include-label", defaultValue = "policy.sigstore.dev/include")
        String includeLabel;
        @Option(names = "--namespace-selector", description = "the enforcing webhooks' namespaceSelector as JSON, as "
                + "the chart registers it (default: the include label In [\"true\"])")
        String namespaceSelector;
        @Option(names = "--break-glass-label", defaultValue = "sigstack.dev/break-glass")
        String breakGlassLabel;
        @Option(names = "--break-glass-webhook", description = "URL receiving a JSON alert per break-glass pod")
        URI breakGlassWebhook;
        @Option(names = "--cache-ttl", defaultValue = "PT5M", description = "verification cache TTL (ISO-8601)")
        Duration ttl;
        @Option(names = "--registry-ca", description = "PEM bundle trusted for HTTPS registries (default: JVM)")
        Path registryCa;
        @Option(names = "--plain-http", description = "registry host:port reached over plain HTTP; repeatable")
        Set<String> plainHttp = Set.of();
        @Option(names = "--registry-realm-host", description = "host (or host:port) that may receive registry "
                + "credentials as a bearer challenge's realm besides the registry's own host; repeatable")
        Set<String> realmHosts = Set.of();
        @Option(names = "--registry-timeout", defaultValue = "PT10S",
                description = "overall deadline of one registry request, body included (ISO-8601)")
        Duration registryTimeout;
        @Option(names = "--review-timeout", defaultValue = "PT8S", description = "longest a review may take before "
                + "it is refused (fail closed); keep it under the webhook's timeoutSeconds (ISO-8601)")
        Duration reviewTimeout;
        @Option(names = "--max-attachments", defaultValue = "100",
                description = "most layers read from one .sig or .att manifest (cosign's limit)")
        int maxAttachments;
        @Option(names = "--max-referrers", defaultValue = "100", description = "most Sigstore bundle referrers read "
                + "per image")
        int maxReferrers;
        @Option(names = "--max-layer-bytes", defaultValue = "33554432", description = "largest signature or "
                + "attestation layer read (bytes)")
        long maxLayerBytes;
        @Option(names = "--max-total-bytes", defaultValue = "67108864", description = "most bytes one look-up of "
                + "an image's signatures, attestations or bundles reads")
        long maxTotalBytes;
        @Option(names = "--max-in-flight-bytes", defaultValue = "134217728", description = "most signature, "
                + "attestation and bundle bytes all concurrent look-ups hold; bound it well under the heap")
        long maxInFlightBytes;
        @Option(names = "--client-ca", description = "PEM CA bundle: require a client certificate issued by it (the "
                + "API server's webhook client certificate); without it any client that reaches the port may "
                + "send reviews")
        Path clientCa;

        @Override
        public Integer call() throws Exception {
            List<X509Certificate> chain = Pem.readCertificates(Files.readString(tlsCert));
            PrivateKey key;
            try {
                key = Pem.readKeyPair(Files.readString(tlsKey), null).getPrivate();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tls-key " + tlsKey + ": " + e.getMessage(), e);
            }
            SSLContext registryTls = null;
            if (registryCa != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                int i = 0;
                for (X509Certificate c : Pem.readCertificates(Files.readString(registryCa))) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                registryTls = SSLContext.getInstance("TLS");
                registryTls.init(null, tmf.getTrustManagers(), null);
            }
            KubernetesClient kube = new KubernetesClientBuilder().build();
            KubeState state = new KubeState(kube, namespace, defaultTrustRoot);
            RegistryClient registry = new RegistryClient(new RegistryClient.Options(plainHttp, registryTls,
                    registryTimeout, 4L << 20, maxLayerBytes, maxAttachments, maxReferrers, maxTotalBytes,
                    realmHosts, maxInFlightBytes));
            List<X509Certificate> clientCas = clientCa == null ? List.of()
                    : Pem.readCertificates(Files.readString(clientCa));
            if (clientCa != null && clientCas.isEmpty()) {
                throw new IllegalArgumentException("--client-ca " + clientCa + " holds no certificate");
            }
            PolicyEngine engine = new PolicyEngine(registry, state::config, state, state, Clock.systemUTC(), ttl);
            state.onChange(engine::invalidate);
            state.start();
            GateMetrics metrics = new GateMetrics();
            GateSettings settings = new GateSettings(GateSettings.Mutation.valueOf(mutation.toUpperCase(
                    java.util.Locale.ROOT)), includeLabel, breakGlassLabel, breakGlassWebhook,
                    namespaceSelector == null ? NamespaceSelector.optIn(includeLabel)
                            : NamespaceSelector.parse(namespaceSelector), reviewTimeout);
            try (AdmissionServer server = AdmissionServer.start(host, port, key, chain, clientCas,
                    new AdmissionHandler(engine, state, settings, metrics), new PolicyAdmission(state::config, namespace),
                    metrics)) {
                System.getLogger("dev.sigstack.gate").log(System.Logger.Level.INFO,
                        "admission gate listening on https://" + host + ":" + server.port());
                new CountDownLatch(1).await();
            } finally {
                state.close();
                kube.close();
            }
            return 0;
        }
    }
}
