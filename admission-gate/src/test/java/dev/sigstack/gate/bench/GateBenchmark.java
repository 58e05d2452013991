package dev.sigstack.gate.bench;

import dev.sigstack.gate.testing.TestPolicies;
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
import dev.sigstack.gate.testing.Cosign;
import dev.sigstack.gate.testing.MapEnvironment;
import dev.sigstack.gate.testing.Predicates;
import dev.sigstack.gate.testing.TestCa;
import dev.sigstack.gate.testing.TestTls;
import dev.sigstack.gate.verify.CompiledPolicy;
import dev.sigstack.gate.verify.PolicyEngine;
import dev.sigstack.gate.verify.TrustedMaterial;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
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
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Admission latency over TLS on loopback against a real local registry. Not part of the normal test phase: run with
 * {@code ./mvnw -pl admission-gate -am verify -Dgate.excludedGroups=none -Dgroups=benchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=GateBenchmark}. Results go to stdout and
 * {@code target/gate-benchmark.txt}.
 *
 * <p>The warm figures are measured against a transport baseline in the same run (a Helidon TLS server built like the
 * gate's, answering the gate's response bytes without deciding anything), with two clients: the JDK HttpClient and a
 * minimal HTTP/1.1 client on one kept-alive socket. Knobs: {@code -Dgate.bench.warm=N} reviews per client (5,000),
 * {@code -Dgate.bench.warmup=N} warm-up rounds (10,000), and JVM flags with {@code -DargLine="..."}.
 *
 * <p>The last row is a burst of 1,000 pods over 20 new images from 50 concurrent clients, with the chart's webhook
 * timeout (10 s) and review deadline (80% of it); knobs {@code -Dgate.bench.burst.pods}, {@code .images},
 * {@code .clients}.
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
        aann.put(SignatureLayer.ANN_BUNDLE, Cosign.rekorBundle(rekor, Cosign.intotoEntry(st,
                Cosign.envelopeSignature(att), pem), t.getEpochSecond() + 6,
                2));
        Cosign.push(reg, repo, d, ".att", List.of(new Cosign.Layer(att.mediaType(), att.blob(), aann)));
        return reg.host() + "/" + repo + "@" + d;
    }

    @Test
    void benchmark() throws Exception {
        StringBuilder report = new StringBuilder();
        List<String> missed = new ArrayList<>(); // checked after the report is written, so no figure is lost
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
            List<CompiledPolicy> ps = TestPolicies.compile(policy);
            MapEnvironment env = new MapEnvironment().trustRoot(new TrustedMaterial("internal", "1", List.of(ca.root),
                    List.of(ca.ctKey.getPublic()), List.of(rekor.getPublic()), List.of()), true);
            PolicyEngine engine = new PolicyEngine(new RegistryClient(RegistryClient.Options.defaults()),
                    GateConfig::defaults, () -> ps, env, Clock.systemUTC(), Duration.ofMinutes(5));
            Cluster cluster = new Cluster() {
                @Override
                public java.util.Optional<Map<String, String>> namespaceLabels(String namespace) {
                    return java.util.Optional.of(Map.of("policy.sigstore.dev/include", "true"));
                }

                @Override
                public void event(String ns, String kind, String apiVersion, String name, String uid, String type,
                        String reason, String message) {
                }
            };
            TestTls tls = new TestTls();
            GateMetrics metrics = new GateMetrics();
            try (AdmissionServer server = AdmissionServer.start("127.0.0.1", 0, tls.key.getPrivate(),
                    List.of(tls.cert), new AdmissionHandler(engine, cluster, settings(), metrics), metrics)) {
                // kube-apiserver talks HTTP/1.1 to admission webhooks (kubernetes/kubernetes#82090), with keep-alive.
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .sslContext(tls.clientContext()).build();
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
                // Warm: the same image again and again, against a transport baseline in the same run.
                int warmN = Integer.getInteger("gate.bench.warm", 5000);
                report.append(warm(tls, server.port(), cold.get(1), handler(engine, cluster), warmN,
                        Integer.getInteger("gate.bench.warmup", 10_000)));
                long[] engineNs = new long[warmN];
                for (int i = 0; i < warmN; i++) {
                    long t0 = System.nanoTime();
                    engine.validate(cold.get(1), dev.sigstack.gate.verify.ResourceContext.pod("prod"));
                    engineNs[i] = System.nanoTime() - t0;
                }
                report.append(String.format("warm cache, engine only (no HTTP): p50 %.3f ms, p99 %.3f ms%n",
                        pct(engineNs, 50), pct(engineNs, 99)));
                AdmissionHandler handler = handler(engine, cluster);
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
                // Burst: 1,000 pods over 20 fresh images, 50 concurrent clients.
                report.append(burst(reg, ca, rekor, engine, tls, server.port(), cold.get(1),
                        Integer.getInteger("gate.bench.burst.pods", 1000),
                        Integer.getInteger("gate.bench.burst.images", 20),
                        Integer.getInteger("gate.bench.burst.clients", 50), missed));
            }
        }
        report.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append('\n');
        System.out.print(report);
        Files.writeString(Path.of("target", "gate-benchmark.txt"), report.toString(), StandardCharsets.UTF_8);
        assertTrue(missed.isEmpty(), String.join("\n", missed));
    }

    static AdmissionHandler handler(PolicyEngine engine, Cluster cluster) {
        return new AdmissionHandler(engine, cluster, settings(), new GateMetrics());
    }

    /** The chart's webhook {@code timeoutSeconds} (helm/admission-gate/values.yaml). */
    static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    /** As the chart runs the gate: the review deadline is 80% of the webhook timeout (deployment.yaml). */
    static GateSettings settings() {
        return new GateSettings(GateSettings.Mutation.OFF, "policy.sigstore.dev/include", "sigstack.dev/break-glass",
                null, WEBHOOK_TIMEOUT.multipliedBy(8).dividedBy(10));
    }

    /**
     * A burst of {@code pods} pod AdmissionReviews over {@code images} images never seen before, sent by {@code clients}
     * concurrent clients (each sends its share one after the other, as the API server's workers do), over kept-alive
     * TLS connections opened beforehand. Each review's decision time is measured at the client; the registry's own
     * access log counts the HTTP requests it received per image during the burst.
     */
    static String burst(TestRegistry reg, TestCa ca, KeyPair rekor, PolicyEngine engine, TestTls tls, int port,
            String cachedImage, int pods, int images, int clients, List<String> missed) throws Exception {
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            fresh.add(keylessImage(reg, ca, rekor, "burst1k/app" + i));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls.clientContext()).build();
        URI uri = URI.create("https://127.0.0.1:" + port + "/validate");
        // The client gives up well after the webhook timeout, so a late answer is counted rather than lost.
        Duration clientTimeout = WEBHOOK_TIMEOUT.multipliedBy(3);
        java.util.function.BiFunction<String, Integer, String> post = (image, i) -> {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(clientTimeout)
                        .POST(HttpRequest.BodyPublishers.ofString(review(image, i))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return "HTTP " + r.statusCode();
                }
                com.fasterxml.jackson.databind.JsonNode resp = JSON.readTree(r.body()).path("response");
                return resp.path("allowed").asBoolean() ? "allowed"
                        : "denied: " + resp.path("status").path("message").asText();
            } catch (Exception e) {
                return "failed: " + e;
            }
        };
        // The API server keeps its connections to a webhook alive: open one per client first (cached image).
        List<Thread> open = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int n = i;
            open.add(Thread.ofVirtual().start(() -> post.apply(cachedImage, 30_000 + n)));
        }
        for (Thread t : open) {
            t.join();
        }
        long registryLogBefore = Files.size(reg.log());
        long verifications0 = engine.verifications();
        long lookups0 = engine.registryLookups();
        long[] ns = new long[pods];
        String[] outcome = new String[pods];
        List<Thread> threads = new ArrayList<>();
        long b0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int first = c;
            threads.add(Thread.ofVirtual().start(() -> {
                // Pod n names image n % images: the first wave already asks for every new image at once.
                for (int n = first; n < pods; n += clients) {
                    long t0 = System.nanoTime();
                    outcome[n] = post.apply(fresh.get(n % images), 40_000 + n);
                    ns[n] = System.nanoTime() - t0;
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - b0;
        long verifications = engine.verifications() - verifications0;
        long lookups = engine.registryLookups() - lookups0;
        Thread.sleep(200); // the registry writes its access line after the response
        byte[] log = Files.readAllBytes(reg.log());
        String during = new String(log, (int) registryLogBefore, log.length - (int) registryLogBefore,
                StandardCharsets.UTF_8);
        long[] perImage = new long[images];
        java.util.regex.Pattern request = java.util.regex.Pattern.compile("\"(?:GET|HEAD) /v2/burst1k/app(\\d+)/");
        for (String line : during.split("\n")) {
            java.util.regex.Matcher m = request.matcher(line);
            if (m.find()) {
                perImage[Integer.parseInt(m.group(1))]++;
            }
        }
        long overTimeout = Arrays.stream(ns).filter(x -> x > WEBHOOK_TIMEOUT.toNanos()).count();
        long allowed = Arrays.stream(outcome).filter("allowed"::equals).count();
        Map<String, Long> others = new java.util.TreeMap<>();
        for (String o : outcome) {
            if (!"allowed".equals(o)) {
                others.merge(o.length() > 160 ? o.substring(0, 160) + "..." : o, 1L, Long::sum);
            }
        }
        if (overTimeout > 0 || allowed != pods) {
            missed.add("burst: " + overTimeout + " decisions over the webhook timeout, " + (pods - allowed)
                    + " not allowed: " + others);
        }
        if (verifications != images) {
            missed.add("burst: " + verifications + " verifications for " + images + " images (not shared)");
        }
        long[] sortedPer = perImage.clone();
        Arrays.sort(sortedPer);
        return String.format("burst of %d pods over %d new images, %d concurrent clients, webhook timeout %d s "
                + "(review deadline %d ms): all answered in %.1f ms; decision p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                + "%d over the webhook timeout; %d allowed%s; verifications run %d (%.2f per image); engine "
                + "signature/attestation look-ups %d (%.2f per image); registry HTTP requests per image (its access "
                + "log) min %d, median %d, max %d, total %d%n", pods, images, clients, WEBHOOK_TIMEOUT.toSeconds(),
                settings().reviewTimeout().toMillis(), wall / 1e6, pct(ns, 50), pct(ns, 99), pct(ns, 100),
                overTimeout, allowed, others.isEmpty() ? "" : ", others: " + others, verifications,
                verifications / (double) images, lookups, lookups / (double) images, sortedPer[0],
                sortedPer[images / 2], sortedPer[images - 1], Arrays.stream(perImage).sum());
    }

    /** Sum of the collection counts of all collectors (young and old). */
    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    /** One way to send a review and read the whole answer. */
    interface Call {
        void send(byte[] review) throws Exception;
    }

    /**
     * A minimal HTTP/1.1 client on one kept-alive TLS socket (what a Go client does on a reused connection): write the
     * request, read the headers and Content-Length bytes of body. No client-side thread hops.
     */
    static final class RawHttps implements AutoCloseable {
        private final SSLSocket socket;
        private final java.io.OutputStream out;
        private final java.io.InputStream in;
        private final String path;
        private final int port;

        RawHttps(javax.net.ssl.SSLContext ctx, int port, String path) throws Exception {
            socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 << 10);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16 << 10);
            this.path = path;
            this.port = port;
        }

        void send(byte[] body) throws Exception {
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            int length = -1;
            StringBuilder line = new StringBuilder();
            boolean status = true;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                if (c == '\n') {
                    String l = line.toString().strip();
                    line.setLength(0);
                    if (status) {
                        if (!l.startsWith("HTTP/1.1 200")) {
                            throw new IllegalStateException("unexpected status: " + l);
                        }
                        status = false;
                    } else if (l.isEmpty()) {
                        break;
                    } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(l.substring(15).strip());
                    }
                } else {
                    line.append((char) c);
                }
            }
            if (length < 0) {
                throw new IllegalStateException("no Content-Length in the answer");
            }
            in.readNBytes(length);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    /**
     * Warm-cache latency of the gate over TLS, and of a transport baseline in the same run: a second Helidon server
     * built the same way (same TLS material, same payload limit, HTTP/1.1) whose one route reads the body and answers
     * the gate's own response bytes. The difference is what the gate adds above the bare transport. Each client is
     * measured interleaved with the others (A B C D A B C D ...), so drift and background load hit all alike.
     */
    static String warm(TestTls tls, int gatePort, String image, AdmissionHandler handler, int n, int warmup)
            throws Exception {
        byte[] sample = review(image, 0).getBytes(StandardCharsets.UTF_8);
        byte[] fixed = handler.validate(sample);
        WebServer baseline = WebServer.builder().host("127.0.0.1").port(0)
                .tls(Tls.builder().privateKey(tls.key.getPrivate()).privateKeyCertChain(List.of(tls.cert)).build())
                .maxPayloadSize(8 << 20)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/validate", (req, res) -> {
                    // The body is read as the gate reads it: exactly Content-Length bytes.
                    try (java.io.InputStream in = req.content().inputStream()) {
                        in.readNBytes((int) req.headers().contentLength().orElseThrow());
                    }
                    res.header(HeaderNames.CONTENT_TYPE, "application/json").send(fixed);
                })).build().start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls.clientContext()).build();
        URI gateUri = URI.create("https://127.0.0.1:" + gatePort + "/validate");
        URI baseUri = URI.create("https://127.0.0.1:" + baseline.port() + "/validate");
        StringBuilder out = new StringBuilder();
        try (RawHttps rawGate = new RawHttps(tls.clientContext(), gatePort, "/validate");
                RawHttps rawBase = new RawHttps(tls.clientContext(), baseline.port(), "/validate")) {
            String[] names = {"gate, JDK HttpClient (HTTP/1.1)", "baseline, JDK HttpClient (HTTP/1.1)",
                "gate, raw keep-alive socket", "baseline, raw keep-alive socket"};
            Call[] calls = {
                b -> check(client.send(HttpRequest.newBuilder(gateUri).POST(HttpRequest.BodyPublishers.ofByteArray(b))
                        .build(), HttpResponse.BodyHandlers.ofByteArray()).body()),
                b -> check(client.send(HttpRequest.newBuilder(baseUri).POST(HttpRequest.BodyPublishers.ofByteArray(b))
                        .build(), HttpResponse.BodyHandlers.ofByteArray()).body()),
                rawGate::send,
                rawBase::send};
            byte[][] bodies = new byte[n][];
            for (int i = 0; i < n; i++) {
                bodies[i] = review(image, i).getBytes(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < warmup; i++) {
                for (Call c : calls) {
                    c.send(bodies[i % n]);
                }
            }
            // Allocation per request (whole JVM: client and server), each path alone.
            long[] allocPerReq = new long[calls.length];
            for (int k = 0; k < calls.length; k++) {
                long a0 = allocated();
                for (int i = 0; i < 1000; i++) {
                    calls[k].send(bodies[i % n]);
                }
                allocPerReq[k] = (allocated() - a0) / 1000;
            }
            long[][] ns = new long[calls.length][n];
            boolean[][] gc = new boolean[calls.length][n];
            long gc0 = gcCount();
            long gcMs0 = gcMillis();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < calls.length; k++) {
                    long g = gcCount();
                    long s = System.nanoTime();
                    calls[k].send(bodies[i]);
                    ns[k][i] = System.nanoTime() - s;
                    gc[k][i] = gcCount() != g;
                }
            }
            long wall = System.nanoTime() - t0;
            String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .map(GarbageCollectorMXBean::getName).reduce((a, b) -> a + ", " + b).orElse("?");
            out.append(String.format("warm cache, %d sequential AdmissionReviews per client over TLS (HTTP/1.1, "
                    + "kept alive), %d warm-up rounds, interleaved with a transport baseline:%n", n, warmup));
            for (int k = 0; k < calls.length; k++) {
                final int kk = k;
                long[] noGc = java.util.stream.IntStream.range(0, n).filter(i -> !gc[kk][i]).mapToLong(
                        i -> ns[kk][i]).toArray();
                double p99 = pct(ns[k], 99);
                long slowWithGc = java.util.stream.IntStream.range(0, n).filter(i -> ns[kk][i] / 1e6 >= p99
                        && gc[kk][i]).count();
                long slow = java.util.stream.IntStream.range(0, n).filter(i -> ns[kk][i] / 1e6 >= p99).count();
                out.append(String.format("  %-38s p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.2f ms; "
                        + "p99 without samples that saw a GC %.3f ms; %d of the %d slowest saw a GC; %d bytes "
                        + "allocated per request%n", names[k], pct(ns[k], 50), p99, pct(ns[k], 99.9),
                        pct(ns[k], 100), pct(noGc, 99), slowWithGc, slow, allocPerReq[k]));
            }
            out.append(String.format("  gate / baseline p50: %.2f (JDK client), %.2f (raw socket); p99: %.2f, %.2f%n",
                    pct(ns[0], 50) / pct(ns[1], 50), pct(ns[2], 50) / pct(ns[3], 50), pct(ns[0], 99) / pct(ns[1], 99),
                    pct(ns[2], 99) / pct(ns[3], 99)));
            out.append(String.format("  collectors: %s; %d collections, %d ms total, in %.1f s of measurement; max "
                    + "heap %d MB; JVM flags: %s%n", collectors, gcCount() - gc0, gcMillis() - gcMs0, wall / 1e9,
                    Runtime.getRuntime().maxMemory() >> 20, ManagementFactory.getRuntimeMXBean().getInputArguments()
                            .stream().filter(a -> a.startsWith("-X")).toList()));
        } finally {
            baseline.stop();
        }
        return out.toString();
    }

    private static void check(byte[] body) {
        if (body.length == 0 || body[0] != '{') {
            throw new IllegalStateException("not a JSON answer");
        }
    }
}
