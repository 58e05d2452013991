package dev.sigstack.gate.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.admission.AdmissionHandler;
import dev.sigstack.gate.admission.AdmissionServer;
import dev.sigstack.gate.admission.Cluster;
import dev.sigstack.gate.admission.GateMetrics;
import dev.sigstack.gate.admission.GateSettings;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.oci.TestRegistry;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.Policies;
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.Predicates;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import dev.sigstack.gate.verify.TrustedMaterial;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Admission latency over TLS on loopback against a real local registry. Not part of the normal test phase: run with
 * {@code ./mvnw -pl admission-gate -am verify -Dgate.excludedGroups=none -Dgroups=benchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=GateBenchmark}. Results go to stdout and
 * {@code target/gate-benchmark.txt}.
 */
@Tag("benchmark")
class GateBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ISSUER = "https://oidc.internal";
    static final String SUBJECT = "https://git.internal/team/app/.ci/release.yml@refs/heads/main";

    static String review(String image, int i) {
        return """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-%d",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"namespace":"prod","operation":"CREATE",
                 "object":{"metadata":{"name":"p%d"},"spec":{"containers":[{"name":"c","image":"%s"}]}}}}
                """.formatted(i, i, image);
    }

    static double pct(long[] nanos, double p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }

    /** Pushes an image signed keylessly with one keyless SLSA v1 attestation. */
    static String keylessImage(TestRegistry reg, TestCa ca, KeyPair rekor, String repo) throws Exception {
        Instant t = Instant.now().minus(Duration.ofMinutes(30));
        String d = reg.pushImage(repo, "v1");
        KeyPair eph = Cosign.ecKey();
        String pem = TestCa.pem(ca.issue(eph.getPublic(), SUBJECT, ISSUER, t));
        byte[] payload = Cosign.simpleSigning(reg.host() + "/" + repo, d);
        byte[] sig = Cosign.sign(eph.getPrivate(), payload);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(SignatureLayer.ANN_SIGNATURE, Base64.getEncoder().encodeToString(sig));
        ann.put(SignatureLayer.ANN_CERTIFICATE, pem);
        ann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(rekor, Cosign.hashedRekord(payload, sig, pem),
                t.getEpochSecond() + 5, 1));
        Cosign.push(reg, repo, d, ".sig", List.of(new Cosign.Layer(SignatureLayer.SIMPLE_SIGNING, payload, ann)));
        byte[] st = Cosign.statement(reg.host() + "/" + repo, d, "https://slsa.dev/provenance/v1",
                Predicates.slsaV1("https://ci.internal/builders/release@v2", "https://git.internal/team/app",
                        "refs/heads/main"));
        Cosign.Layer att = Cosign.attestationLayer(st, eph.getPrivate(), Map.of());
        Map<String, String> aann = new LinkedHashMap<>(att.annotations());
        aann.put(SignatureLayer.ANN_CERTIFICATE, pem);
        aann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(rekor, Cosign.intotoEntry(st), t.getEpochSecond() + 6,
                2));
        Cosign.push(reg, repo, d, ".att", List.of(new Cosign.Layer(att.mediaType(), att.blob(), aann)));
        return reg.host() + "/" + repo + "@" + d;
    }

    @Test
    void benchmark() throws Exception {
        StringBuilder report = new StringBuilder();
        TestCa ca = new TestCa("bench-ca");
        KeyPair rekor = Cosign.ecKey();
        try (TestRegistry reg = TestRegistry.start(null, null, null)) {
            String policy = """
                    apiVersion: policy.sigstore.dev/v1beta1
                    kind: ClusterImagePolicy
                    metadata: {name: release}
                    spec:
                      images: [{glob: "%s/**"}]
                      authorities:
                      - name: ci
                        keyless:
                          identities: [{issuer: "%s", subjectRegExp: "^https://git\\\\.internal/team/app/"}]
                        attestations:
                        - name: provenance
                          predicateType: https://slsa.dev/provenance/v1
                          policy:
                            type: cue
                            data: |
                              predicate: runDetails: builder: id: =~"^https://ci\\\\.internal/builders/"
                    """.formatted(reg.host(), ISSUER);
            List<CompiledPolicy> ps = Policies.loadAll(policy, GateConfig.defaults(), "cosign-system").stream()
                    .map(l -> CompiledPolicy.compile(l.policy())).toList();
            MapEnvironment env = new MapEnvironment().trustRoot(new TrustedMaterial("internal", "1", List.of(ca.root),
                    List.of(ca.ctKey.getPublic()), List.of(rekor.getPublic()), List.of()), true);
            PolicyEngine engine = new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()),
                    GateConfig::defaults, () -> ps, env, Clock.systemUTC(), Duration.ofMinutes(5));
            Cluster cluster = new Cluster() {
                @Override
                public Map<String, String> namespaceLabels(String namespace) {
                    return Map.of("policy.sigstore.dev/include", "true");
                }

                @Override
                public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                        String reason, String message) {
                }
            };
            TestTls tls = new TestTls();
            GateMetrics metrics = new GateMetrics();
            try (AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(),
                    List.of(tls.cert), new AdmissionHandler(engine, cluster, new GateSettings(GateSettings.Mutation.OFF,
                            "policy.sigstore.dev/include", "sigstack.dev/break-glass", null), metrics), metrics)) {
                HttpClient client = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
                URI uri = URI.create("https://127.0.0.1:" + server.port() + "/validate");
                java.util.function.BiFunction<String, Integer, Boolean> post = (image, i) -> {
                    try {
                        String body = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers
                                .ofString(review(image, i))).build(), HttpResponse.BodyHandlers.ofString()).body();
                        return JSON.readTree(body).path("response").path("allowed").asBoolean();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                // Cold: each image verified once (keyless signature + SCT + SET, one keyless attestation + policy).
                int coldN = 40;
                List<String> cold = new ArrayList<>();
                for (int i = 0; i < coldN; i++) {
                    cold.add(keylessImage(reg, ca, rekor, "cold/app" + i));
                }
                for (int i = 0; i < 200; i++) { // JIT and connection warm-up on a separate image
                    if (i == 0) {
                        String w = keylessImage(reg, ca, rekor, "warmup/app");
                        cold.add(0, w);
                    }
                    post.apply(cold.get(0), i);
                }
                long[] coldNs = new long[coldN];
                for (int i = 0; i < coldN; i++) {
                    long t0 = System.nanoTime();
                    assertTrue(post.apply(cold.get(i + 1), i));
                    coldNs[i] = System.nanoTime() - t0;
                }
                report.append(String.format("cold keyless (SCT + SET + 1 attestation with a CUE policy), %d images: "
                        + "p50 %.2f ms, p99 %.2f ms%n", coldN, pct(coldNs, 50), pct(coldNs, 99)));
                // Warm: the same image again and again.
                int warmN = 5000;
                long[] warmNs = new long[warmN];
                for (int i = 0; i < warmN; i++) {
                    long t0 = System.nanoTime();
                    post.apply(cold.get(1), i);
                    warmNs[i] = System.nanoTime() - t0;
                }
                report.append(String.format("warm cache, %d sequential AdmissionReviews over TLS: p50 %.2f ms, "
                        + "p99 %.2f ms%n", warmN, pct(warmNs, 50), pct(warmNs, 99)));
                long[] engineNs = new long[warmN];
                for (int i = 0; i < warmN; i++) {
                    long t0 = System.nanoTime();
                    engine.validate(cold.get(1), dev.sigstack.gate.verify.ResourceContext.pod("prod"));
                    engineNs[i] = System.nanoTime() - t0;
                }
                report.append(String.format("warm cache, engine only (no HTTP): p50 %.3f ms, p99 %.3f ms%n",
                        pct(engineNs, 50), pct(engineNs, 99)));
                AdmissionHandler handler = new AdmissionHandler(engine, cluster, new GateSettings(
                        GateSettings.Mutation.OFF, "policy.sigstore.dev/include", "sigstack.dev/break-glass", null),
                        new GateMetrics());
                long[] handlerNs = new long[warmN];
                for (int i = 0; i < warmN; i++) {
                    byte[] req = review(cold.get(1), i).getBytes(StandardCharsets.UTF_8);
                    long t0 = System.nanoTime();
                    handler.validate(req);
                    handlerNs[i] = System.nanoTime() - t0;
                }
                report.append(String.format("warm cache, AdmissionReview handler (JSON in, decision, JSON out; no "
                        + "socket): p50 %.3f ms, p99 %.3f ms%n", pct(handlerNs, 50), pct(handlerNs, 99)));
                // Burst: 100 pods over 5 fresh images, all at once.
                List<String> five = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    five.add(keylessImage(reg, ca, rekor, "burst/app" + i));
                }
                // The API server keeps its connections to a webhook alive: open the pool first (cached image).
                List<Thread> warm = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    warm.add(Thread.ofVirtual().start(() -> post.apply(cold.get(1), 20_000 + n)));
                }
                for (Thread t : warm) {
                    t.join();
                }
                long before = engine.verifications();
                List<Long> burst = new CopyOnWriteArrayList<>();
                List<Thread> threads = new ArrayList<>();
                long b0 = System.nanoTime();
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    threads.add(Thread.ofVirtual().start(() -> {
                        long t0 = System.nanoTime();
                        assertTrue(post.apply(five.get(n % 5), 10_000 + n));
                        burst.add(System.nanoTime() - t0);
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                long total = System.nanoTime() - b0;
                long[] b = burst.stream().mapToLong(Long::longValue).toArray();
                report.append(String.format("burst of 100 pods over 5 new images: all admitted in %.1f ms, "
                        + "max decision %.1f ms, p50 %.1f ms, verifications run %d%n", total / 1e6,
                        pct(b, 100), pct(b, 50), engine.verifications() - before));
            }
        }
        report.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append('\n');
        System.out.print(report);
        Files.writeString(Path.of("target", "gate-benchmark.txt"), report.toString(), StandardCharsets.UTF_8);
    }
}
