package dev.sigstack.ca.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import dev.sigstack.ca.Pem;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.ca.testing.TestOidcIssuer;
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
             Engines engines = Engines.open("jdbc:h2:file:" + dir.resolve("ct").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE", 8, "")) {
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
                    | load generator's own CPU per certificate (its threads) | %.0f µs |
                    | **service only (JVM less load generator): crypto CPU / CPU per certificate** | **%.2f** (%.0f µs per certificate, %.0f/s on %d dedicated cores) |
                    | also counting the CT log's precertificate signature check (%.1f µs) | bound %.0f/s, CPU ratio %.2f |
                    | system load average at the end (1 min) | %.1f |
                    """, System.getProperty("sigstack.bench.engine", "stored (TiledLogEngine on H2)"), cores, concurrency, measure.toSeconds(), warmup.toSeconds(), r.ok(), r.errors(), r.perSecond(),
                    r.p50Millis(), r.p99Millis(), bound.token() / 1e3, bound.pop() / 1e3, signer.signatureAlgorithm(),
                    bound.precert() / 1e3, bound.sct() / 1e3, signer.signatureAlgorithm(), bound.fin() / 1e3, boundPerSec, ratio,
                    r.cpuPerCertNanos() / 1e3, bound.totalNanos() / r.cpuPerCertNanos(), cores, cores * 1e9 / r.cpuPerCertNanos(),
                    (r.cpuPerCertNanos() - r.serviceCpuPerCertNanos()) / 1e3, bound.totalNanos() / r.serviceCpuPerCertNanos(),
                    r.serviceCpuPerCertNanos() / 1e3, cores * 1e9 / r.serviceCpuPerCertNanos(), cores,
                    bound.ctVerify() / 1e3, fullBoundPerSec, (bound.totalNanos() + bound.ctVerify()) / r.cpuPerCertNanos(), load);
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
    record Result(long ok, long errors, double perSecond, double p50Millis, double p99Millis, long cpuNanos, long clientCpuNanos) {
        double cpuPerCertNanos() {
            return ok == 0 ? Double.NaN : cpuNanos / (double) ok;
        }

        /** The service's CPU per certificate: the whole JVM's less the load generator's threads. */
        double serviceCpuPerCertNanos() {
            return ok == 0 ? Double.NaN : (cpuNanos - clientCpuNanos) / (double) ok;
        }
    }

    /** Per-certificate crypto costs; {@code ctVerify} is the CT log's check of the precertificate's signature. */
    record Bound(double token, double pop, double precert, double sct, double fin, double ctVerify) {
        double totalNanos() {
            return token + pop + precert + sct + fin;
        }
    }

    /**
     * Drives the load from named platform threads through a JDK HttpClient with its own executor, and measures the
     * CPU those client threads (workers, client executor, selector) use, so it can be taken out of the service's.
     */
    private static Result run(URI target, List<byte[]> bodies, int concurrency, Duration duration, long[] latencies) throws Exception {
        java.lang.management.ThreadMXBean tmx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Set<Long> before = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> before.add(t.threadId()));
        List<Thread> clientThreads = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clientExec = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            clientThreads.add(t);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientExec).build();
        Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t.threadId())).forEach(clientThreads::add);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong workerCpu = new AtomicLong();
        AtomicInteger slot = new AtomicInteger();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
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
                            HttpResponse<Void> res = http.send(HttpRequest.newBuilder(target).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                            long dt = System.nanoTime() - t0;
                            if (res.statusCode() == 200) {
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
        synchronized (clientThreads) {
            for (Thread t : clientThreads) {
                long c = tmx.getThreadCpuTime(t.threadId());
                if (c > 0) {
                    clientCpu += c;
                }
            }
        }
        clientExec.shutdown();
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
        return new Result(ok.get(), errors.get(), ok.get() / seconds, p50, p99, cpu, clientCpu);
    }

    /** Single-threaded cost of each crypto operation of one certificate, after warm-up (median of 5 rounds). */
    private static Bound cryptoBound(TestOidcIssuer issuer, CaSigner ca, KeyPair logKey) throws Exception {
        String token = issuer.emailToken("bound@example.com");
        RSAKey rsa = ((RSAKey) issuer.signingKey()).toPublicJWK();
        KeyPair leaf = ec("secp256r1");
        byte[] msg = "bound@example.com".getBytes(StandardCharsets.UTF_8);
        byte[] pop = sign("SHA256withECDSA", leaf.getPrivate(), msg);
        byte[] tbs = new byte[1100];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(tbs);
        byte[] sctInput = new byte[1200];
        double tokenNs = time(() -> {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(new RSASSAVerifier(rsa))) {
                throw new IllegalStateException();
            }
        });
        double popNs = time(() -> {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(leaf.getPublic());
            s.update(msg);
            if (!s.verify(pop)) {
                throw new IllegalStateException();
            }
        });
        double caSignNs = time(() -> sign(ca.signatureAlgorithm(), ca.key(), tbs));
        double sctNs = time(() -> sign("SHA256withECDSA", logKey.getPrivate(), sctInput));
        byte[] caSig = sign(ca.signatureAlgorithm(), ca.key(), tbs);
        double ctVerifyNs = time(() -> {
            Signature s = Signature.getInstance(ca.signatureAlgorithm());
            s.initVerify(ca.issuingCertificate().getPublicKey());
            s.update(tbs);
            if (!s.verify(caSig)) {
                throw new IllegalStateException();
            }
        });
        return new Bound(tokenNs, popNs, caSignNs, sctNs, caSignNs, ctVerifyNs);
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
}
