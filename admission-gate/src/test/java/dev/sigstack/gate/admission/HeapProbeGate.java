package dev.sigstack.gate.admission;

import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.RegistryCredentials;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.TestPolicies;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The gate in a child JVM (run by {@link GateHeapTest} with a small {@code -Xmx}): the real server, engine and registry
 * client with the default limits, one key policy over {@code <registry>/app/**}. Prints {@code READY <port> <cert>}
 * and answers {@code heap} on stdin with
 * the heap retained after a full GC. Run with {@code -XX:+ExitOnOutOfMemoryError}: had the heap ever passed its limit,
 * the process would be gone.
 *
 * <p>Arguments: registry host, the policy's glob host part, public key PEM (base64), max in-flight bytes.
 */
public final class HeapProbeGate {
    private HeapProbeGate() {
    }

    public static void main(String[] args) throws Exception {
        String registry = args[0];
        String pem = new String(Base64.getDecoder().decode(args[1]), StandardCharsets.UTF_8);
        long inFlight = Long.parseLong(args[2]);
        String policy = """
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: site}
                spec:
                  images: [{glob: "%s/app/**"}]
                  authorities:
                  - key:
                      data: |
                %s
                """.formatted(registry, pem.indent(8).stripTrailing());
        List<CompiledPolicy> ps = TestPolicies.compile(policy);
        RegistryClient.Options d = RegistryClient.Options.defaults();
        PolicyEngine engine = new PolicyEngine(new RegistryClient(d.withLimits(d.maxLayers(), d.maxReferrers(),
                d.maxBlobBytes(), d.maxTotalBytes(), inFlight)), GateConfig::defaults, () -> ps, new MapEnvironment(),
                Clock.systemUTC(), Duration.ofMinutes(5));
        Cluster cluster = new Cluster() {
            @Override
            public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
            }

            @Override
            public RegistryCredentials pullSecrets(String namespace, List<String> names) {
                return RegistryCredentials.anonymous();
            }

            @Override
            public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                    String reason, String message) {
            }
        };
        TestTls tls = new TestTls();
        AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(), List.of(tls.cert),
                new AdmissionHandler(engine, cluster, GateSettings.defaults(), new GateMetrics()), new GateMetrics());
        System.out.println("READY " + server.port() + " " + Base64.getEncoder().encodeToString(tls.cert.getEncoded()));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("heap")) {
                System.gc();
                long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.println("HEAP " + retained + " " + Runtime.getRuntime().maxMemory());
                System.out.flush();
            }
        }
        server.close();
    }
}
