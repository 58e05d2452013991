package dev.sigstack.ca.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

import io.helidon.webserver.WebServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.CaConfig;
import dev.sigstack.ca.CaServer;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.ca.ct.KeepAliveHttpClient;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.ca.testing.TestOidcIssuer;
import dev.sigstack.core.ecdsa.Ecdsa;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.ct.CtLog;
import dev.sigstack.tlog.ct.CtLogService;
import dev.sigstack.tlog.internal.Engines;

/**
 * Certificates per second with an embedded SCT over HTTP, loopback only, bounded in time; and, in the same run,
 * this machine's crypto bound for one certificate (token verify, PoP verify, precertificate sign, SCT sign, final
 * sign) times the cores. Runs only with {@code -Dsigstack.bench=true}:
 * {@code ./mvnw -pl core,tlog-service,ca-service verify -Dtest=CaLoadBenchmark -DexcludedGroups= -Dsigstack.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Writes {@code target/ca-benchmark.md}.
 */
@org.junit.jupiter.api.Tag("benchmark")
class CaLoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTE_KEY =
        "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";
    private static final int IDENTITIES = 256;
    /** {@code -Dsigstack.bench.engine=memory}: the same engine on in-memory H2. */
    private static final boolean MEMORY_H2 = "memory".equals(System.getProperty("sigstack.bench.engine"));

    @TempDir
    Path dir;

    @Test
    void certificatesPerSecond_embeddedSct_overHttp() throws Exception {
        assumeTrue(Boolean.getBoolean("sigstack.bench"), "benchmark: run with -Dsigstack.bench=true");
        int concurrency = Integer.getInteger("sigstack.bench.concurrency", 32);
        Duration warmup = Duration.ofSeconds(Long.getLong("sigstack.bench.warmupSeconds", 15));
        Duration measure = Duration.ofSeconds(Long.getLong("sigstack.bench.seconds", 30));
        int cores = Runtime.getRuntime().availableProcessors();

        try (TestOidcIssuer issuer = new TestOidcIssuer("/oidc");
             Engines engines = Engines.open(MEMORY_H2 ? "jdbc:h2:mem:ct-bench;DB_CLOSE_DELAY=-1"
                 : "jdbc:h2:file:" + dir.resolve("ct").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE", 8, "")) {
            Path identity = dir.resolve("identity.yaml");
            Files.writeString(identity, issuer.configYaml("email", java.util.Map.of()));
            char[] pw = "bench".toCharArray();
            CaSigner signer = CaKeys.create(dir.resolve("data/ca"), pw, "bench", System.getProperty("sigstack.bench.curve", "secp256r1"));
            KeyPair logKey = ec("secp256r1");
            LogEngine engine = engines.openLog("ct.bench", NoteKeys.ed25519Signer(NOTE_KEY)).engine();
            CtLog log = new CtLog(engine, logKey.getPrivate(), logKey.getPublic(), List.of(signer.chain().getLast()), Clock.systemUTC());
            WebServer ct = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.register(new CtLogService(log))).build().start();
            CaServer ca = CaServer.start(CaConfig.builder(dir.resolve("data")).identityConfig(identity).grpcPort(-1)
                .ctLogUrl(URI.create("http://127.0.0.1:" + ct.port())).keyPassword(pw).build());
            try {
                List<byte[]> bodies = new ArrayList<>();
                for (int i = 0; i < IDENTITIES; i++) {
                    String email = "user" + i + "@example.com";
                    KeyPair k = ec("secp256r1");
                    ObjectNode req = JSON.createObjectNode();
                    req.putObject("credentials").put("oidcIdentityToken", issuer.emailToken(email));
                    ObjectNode pkr = req.putObject("publicKeyRequest");
                    pkr.putObject("publicKey").put("algorithm", "ECDSA").put("content", Pem.encode("PUBLIC KEY", k.getPublic().getEncoded()));
                    pkr.put("proofOfPossession", Base64.getEncoder().encodeToString(sign("SHA256withECDSA", k.getPrivate(),
                        email.getBytes(StandardCharsets.UTF_8))));
                    bodies.add(JSON.writeValueAsBytes(req));
                }
                URI target = URI.create("http://127.0.0.1:" + ca.httpPort() + "/api/v2/signingCert");
                run(target, bodies, concurrency, warmup, null);
                long[] latencies = new long[2_000_000];
                Result r = run(target, bodies, concurrency, measure, latencies);

                Bound bound = cryptoBound(issuer, signer, logKey);
                double boundPerSec = cores * 1e9 / bound.totalNanos();
                double ratio = r.perSecond() / boundPerSec;
                double fullBoundPerSec = cores * 1e9 / (bound.totalNanos() + bound.ctVerify());
                double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                String report = String.format(Locale.ROOT, """
                    | figure | value |
                    |---|---|
                    | CT log engine | %s |
                    | cores | %d |
                    | concurrency (loopback HTTP/1.1 clients) | %d |
                    | measured for | %d s after %d s warm-up |
                    | certificates issued (embedded SCT) | %d (%d errors) |
                    | **certificates/s** | **%.0f** |
                    | p50 latency | %.2f ms |
                    | p99 latency | %.2f ms |
                    | crypto per certificate: token verify (RS256) | %.1f µs |
                    | crypto per certificate: PoP verify (ECDSA P-256) | %.1f µs |
                    | crypto per certificate: precertificate sign (CA %s) | %.1f µs |
                    | crypto per certificate: SCT sign (ECDSA P-256) | %.1f µs |
                    | crypto per certificate: final certificate sign (CA %s) | %.1f µs |
                    | crypto bound (cores / sum) | %.0f certificates/s |
                    | ratio to the crypto bound (wall clock, shared machine) | %.2f |
                    | CPU time per certificate, whole JVM (CA + CT log + H2 + load generator) | %.0f µs |
                    | **CPU-normalized: crypto CPU / total CPU per certificate** | **%.2f** |
                    | CPU-normalized certificates/s on %d dedicated cores | %.0f |
                    | load generator's own CPU per certificate (its worker threads, blocking keep-alive HTTP/1.1) | %.0f µs |
                    | **service only (JVM less load generator): crypto CPU / CPU per certificate** | **%.2f** (%.0f µs per certificate, %.0f/s on %d dedicated cores) |
                    | also counting the CT log's precertificate signature check (%.1f µs) | bound %.0f/s, CPU ratio %.2f |
                    | for comparison, the JDK provider's ECDSA: PoP verify / CA sign / SCT sign / CT check | %.1f / %.1f / %.1f / %.1f µs |
                    | crypto bound with the JDK provider's ECDSA (the bound before the change) | %.0f certificates/s; wall-clock ratio to it %.2f |
                    | system load average at the end (1 min) | %.1f |
                    """, MEMORY_H2 ? "TiledLogEngine on in-memory H2 (not durable: separates the disk's cost)" : "stored (TiledLogEngine on H2 file)", cores, concurrency, measure.toSeconds(), warmup.toSeconds(), r.ok(), r.errors(), r.perSecond(),
                    r.p50Millis(), r.p99Millis(), bound.token() / 1e3, bound.pop() / 1e3, signer.signatureAlgorithm(),
                    bound.precert() / 1e3, bound.sct() / 1e3, signer.signatureAlgorithm(), bound.fin() / 1e3, boundPerSec, ratio,
                    r.cpuPerCertNanos() / 1e3, bound.totalNanos() / r.cpuPerCertNanos(), cores, cores * 1e9 / r.cpuPerCertNanos(),
                    (r.cpuPerCertNanos() - r.serviceCpuPerCertNanos()) / 1e3, bound.totalNanos() / r.serviceCpuPerCertNanos(),
                    r.serviceCpuPerCertNanos() / 1e3, cores * 1e9 / r.serviceCpuPerCertNanos(), cores,
                    bound.ctVerify() / 1e3, fullBoundPerSec, (bound.totalNanos() + bound.ctVerify()) / r.cpuPerCertNanos(),
                    bound.jdk().pop() / 1e3, bound.jdk().precert() / 1e3, bound.jdk().sct() / 1e3, bound.jdk().ctVerify() / 1e3,
                    cores * 1e9 / bound.jdk().totalNanos(), r.perSecond() / (cores * 1e9 / bound.jdk().totalNanos()), load)
                    + threadTable(r);
                System.out.println(report);
                Files.writeString(Path.of("target/ca-benchmark.md"), report);
                assertTrue(r.ok() > 0, "issued certificates");
            } finally {
                ca.close();
                ct.stop();
            }
        }
    }

    /** {@code cpuNanos}: CPU time of this whole JVM (CA, CT log, H2 and the load generator) over the run. */
    record Result(long ok, long errors, double perSecond, double p50Millis, double p99Millis, long cpuNanos, long clientCpuNanos,
                  java.util.Map<String, Long> threadCpuNanos) {
        double cpuPerCertNanos() {
            return ok == 0 ? Double.NaN : cpuNanos / (double) ok;
        }

        /** The service's CPU per certificate: the whole JVM's less the load generator's threads. */
        double serviceCpuPerCertNanos() {
            return ok == 0 ? Double.NaN : (cpuNanos - clientCpuNanos) / (double) ok;
        }
    }

    /** Per-certificate crypto costs; {@code ctVerify} is the CT log's check of the precertificate's signature. */
    record Bound(double token, double pop, double precert, double sct, double fin, double ctVerify, Bound jdk) {
        double totalNanos() {
            return token + pop + precert + sct + fin;
        }
    }

    /**
     * Drives the load from named platform threads, each sending its requests one after the other over kept
     * HTTP/1.1 connections ({@link KeepAliveHttpClient}, blocking, no selector or executor threads), and measures
     * the CPU those threads use so it can be taken out of the service's.
     */
    private static Result run(URI target, List<byte[]> bodies, int concurrency, Duration duration, long[] latencies) throws Exception {
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        KeepAliveHttpClient http = new KeepAliveHttpClient(target, Duration.ofSeconds(5), Duration.ofSeconds(60));
        String path = target.getRawPath();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong workerCpu = new AtomicLong();
        AtomicInteger slot = new AtomicInteger();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        java.util.Map<String, Long> threads0 = ThreadCpu.snapshot();
        long cpu0 = os.getProcessCpuTime();
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> new Thread(r, "bench-worker"));
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                int worker = c;
                futures.add(pool.submit(() -> {
                    long myCpu0 = tmx.getCurrentThreadCpuTime();
                    int i = worker;
                    while (System.nanoTime() < end) {
                        byte[] body = bodies.get(i++ % bodies.size());
                        long t0 = System.nanoTime();
                        try {
                            KeepAliveHttpClient.Response res = http.post(path, "application/json", body);
                            long dt = System.nanoTime() - t0;
                            if (res.status() == 200) {
                                ok.incrementAndGet();
                                if (latencies != null) {
                                    int s = slot.getAndIncrement();
                                    if (s < latencies.length) {
                                        latencies[s] = dt;
                                    }
                                }
                            } else {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    workerCpu.addAndGet(tmx.getCurrentThreadCpuTime() - myCpu0);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        long clientCpu = workerCpu.get();
        http.close();
        double p50 = 0;
        double p99 = 0;
        if (latencies != null) {
            long[] l = Arrays.copyOf(latencies, Math.min(slot.get(), latencies.length));
            Arrays.sort(l);
            if (l.length > 0) {
                p50 = l[(int) (l.length * 0.50)] / 1e6;
                p99 = l[Math.min(l.length - 1, (int) (l.length * 0.99))] / 1e6;
            }
        }
        java.util.Map<String, Long> threads = ThreadCpu.delta(threads0, ThreadCpu.snapshot());
        return new Result(ok.get(), errors.get(), ok.get() / seconds, p50, p99, cpu, clientCpu, threads);
    }

    /**
     * Single-threaded cost of each crypto operation of one certificate, after warm-up (median of 5 rounds), with the
     * implementations the service uses: ECDSA on in-memory keys through {@link Ecdsa} (the PoP key decoded afresh
     * per request as the service does; the CT log's check with the CA key's cached verifier), RS256 through Nimbus.
     * The JDK provider's costs for the same ECDSA operations are measured too, for comparison.
     */
    private static Bound cryptoBound(TestOidcIssuer issuer, CaSigner ca, KeyPair logKey) throws Exception {
        String token = issuer.emailToken("bound@example.com");
        RSAKey rsa = ((RSAKey) issuer.signingKey()).toPublicJWK();
        KeyPair leaf = ec("secp256r1");
        byte[] msg = "bound@example.com".getBytes(StandardCharsets.UTF_8);
        byte[] pop = sign("SHA256withECDSA", leaf.getPrivate(), msg);
        byte[] tbs = new byte[1100];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(tbs);
        byte[] sctInput = new byte[1200];
        String caAlg = ca.signatureAlgorithm();
        Ecdsa.Signer caFast = ca.provider() == null ? Ecdsa.Signer.of(ca.key()).orElse(null) : null;
        Ecdsa.Signer logFast = Ecdsa.Signer.of(logKey.getPrivate()).orElseThrow();
        Ecdsa.Verifier caVerifier = Ecdsa.Verifier.of(ca.issuingCertificate().getPublicKey()).orElse(null);
        RSASSAVerifier rsaVerifier = new RSASSAVerifier(rsa); // the service keeps one per issuer key
        double tokenNs = time(() -> {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(rsaVerifier)) {
                throw new IllegalStateException();
            }
        });
        double popNs = time(() -> Ecdsa.Verifier.of(leaf.getPublic()).orElseThrow().verify("SHA256withECDSA", msg, pop));
        double caSignNs = time(() -> {
            if (caFast != null) {
                caFast.sign(caAlg, tbs);
            } else {
                sign(caAlg, ca.key(), tbs);
            }
        });
        double sctNs = time(() -> logFast.sign("SHA256withECDSA", sctInput));
        byte[] caSig = sign(caAlg, ca.key(), tbs);
        double ctVerifyNs = caVerifier == null ? time(() -> jdkVerify(caAlg, ca.issuingCertificate().getPublicKey(), tbs, caSig))
            : time(() -> caVerifier.verify(caAlg, tbs, caSig));
        double popJdk = time(() -> jdkVerify("SHA256withECDSA", leaf.getPublic(), msg, pop));
        double caSignJdk = time(() -> sign(caAlg, ca.key(), tbs));
        double sctJdk = time(() -> sign("SHA256withECDSA", logKey.getPrivate(), sctInput));
        double ctVerifyJdk = time(() -> jdkVerify(caAlg, ca.issuingCertificate().getPublicKey(), tbs, caSig));
        return new Bound(tokenNs, popNs, caSignNs, sctNs, caSignNs, ctVerifyNs,
            new Bound(tokenNs, popJdk, caSignJdk, sctJdk, caSignJdk, ctVerifyJdk, null));
    }

    private static void jdkVerify(String alg, java.security.PublicKey key, byte[] data, byte[] sig) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initVerify(key);
        s.update(data);
        if (!s.verify(sig)) {
            throw new IllegalStateException();
        }
    }

    /** Where the JVM's CPU went during the measured run, by thread group (Linux {@code /proc/self/task}). */
    private static String threadTable(Result r) {
        if (r.threadCpuNanos().isEmpty() || r.ok() == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n| thread group (Linux thread name) | CPU per certificate |\n|---|---|\n");
        r.threadCpuNanos().entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
            .filter(e -> e.getValue() / (double) r.ok() >= 5_000)
            .forEach(e -> sb.append(String.format(Locale.ROOT, "| %s | %.0f µs |%n", e.getKey(), e.getValue() / 1e3 / r.ok())));
        return sb.toString();
    }

    interface Op {
        void run() throws Exception;
    }

    /** CPU time of one operation on this thread (thread CPU time, so other processes on the machine do not count). */
    private static double time(Op op) throws Exception {
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 2000; i++) {
            op.run();
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
            int n = 500;
            long t0 = tmx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                op.run();
            }
            rounds[r] = (tmx.getCurrentThreadCpuTime() - t0) / (double) n;
        }
        Arrays.sort(rounds);
        return rounds[2];
    }

    private static byte[] sign(String alg, PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    private static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** CPU time of this process's threads grouped by name with digits folded, from {@code /proc/self/task/<tid>/stat}. */
    static final class ThreadCpu {
        private static final long NANOS_PER_TICK = 10_000_000L;

        static java.util.Map<String, Long> snapshot() {
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return out;
            }
            try (var dirs = Files.list(tasks)) {
                for (Path t : dirs.toList()) {
                    try {
                        String stat = Files.readString(t.resolve("stat"));
                        int close = stat.lastIndexOf(')');
                        String name = stat.substring(stat.indexOf('(') + 1, close).replaceAll("[0-9]+", "#");
                        String[] f = stat.substring(close + 2).split(" ");
                        out.merge(name + " (user)\u0000" + t.getFileName(), Long.parseLong(f[11]) * NANOS_PER_TICK, Long::sum);
                        out.merge(name + " (kernel)\u0000" + t.getFileName(), Long.parseLong(f[12]) * NANOS_PER_TICK, Long::sum);
                    } catch (java.io.IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                return out;
            }
            return out;
        }

        /** Per group: CPU used between the snapshots (threads that ended in between are lost, a small undercount). */
        static java.util.Map<String, Long> delta(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
            java.util.Map<String, Long> out = new java.util.TreeMap<>();
            after.forEach((k, v) -> out.merge(k.substring(0, k.indexOf('\u0000')), v - before.getOrDefault(k, 0L), Long::sum));
            return out;
        }
    }
}
