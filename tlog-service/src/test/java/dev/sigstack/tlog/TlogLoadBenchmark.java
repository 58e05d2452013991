package dev.sigstack.tlog;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.core.rekor.SignedEntryTimestamp;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.core.testing.Trees;
import dev.sigstack.tlog.internal.Engines;
import dev.sigstore.proto.rekor.v2.PublicKey;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Verifier;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Load generator for the transparency log, run by hand ({@code scripts/bench-tlog.sh}), never by {@code verify}.
 * Everything on loopback, bounded in count and time. In one run it measures:
 * <ol>
 *   <li>the machine's bound: one core doing the per-entry cryptography of a hashedrekord append (ECDSA P-256
 *       verify of the submitter's signature plus the ECDSA P-256 SET signature), times the cores;</li>
 *   <li>sustained hashedrekord appends over HTTP ({@code POST /api/v1/log/entries}: parse, verify, sequence and
 *       commit, wait for integration, inclusion proof, SET) to a tlog-service process on PostgreSQL and on H2, and
 *       Rekor v2 appends ({@code POST /api/v2/log/entries} with {@code hashedRekordRequestV002}: verify, sequence
 *       and commit, wait for integration, inclusion proof and checkpoint; no SET, so its bound is the ECDSA verify
 *       alone), and raw appends through the TEST-ONLY {@code /test/append} (the engine over HTTP, no entry
 *       handling): entries/s, p50 and p99 latency;</li>
 *   <li>inclusion-proof latency at 1 M entries or more (the store filled through the engine in-process), and
 *       heap used after a full GC as the log grows.</li>
 * </ol>
 * Settings are system properties: {@code bench.clients} (128), {@code bench.seconds} (15), {@code bench.warmup} (60:
 * on 2 shared cores the server's JIT compilers still took a third of its CPU 5 s and 30 s in, and settled after
 * about 45 s), {@code bench.maxEntries} (200000 pre-signed bodies per run, reused by every row), {@code bench.fill} (1048576), {@code bench.proofs}
 * (20000), {@code bench.rows} (pg,h2,pg-v2,h2-v2,pg-raw,h2-raw), {@code bench.out} (markdown written there too). With the bound
 * part on, the bound is measured again right before each HTTP row and that row's ratio is against it (the other
 * builds on a shared machine move it by a factor of two within minutes).
 */
final class TlogLoadBenchmark {
    private static final String HOST = "bench.test";
    private static final int CLIENTS = Integer.getInteger("bench.clients", 128);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 60);
    private static final long FILL = Long.getLong("bench.fill", 1L << 20);
    private static final int PROOFS = Integer.getInteger("bench.proofs", 20_000);
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final int MAX_ENTRIES = Integer.getInteger("bench.maxEntries", 200_000);

    private final StringBuilder report = new StringBuilder();
    private byte[][] rekorBodies;
    private byte[][] v2Bodies;
    /** The Rekor v2 bound: the ECDSA verify alone, entries/s over all cores (0 when the bound part is off). */
    private double v2Bound;
    private byte[][] rawBodies;

    private TlogLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        new TlogLoadBenchmark().run(Parts.parse(System.getProperty("bench.parts", "bound,http,proofs")));
    }

    private record Parts(boolean bound, boolean http, boolean proofs) {
        static Parts parse(String s) {
            List<String> p = Arrays.asList(s.split(","));
            return new Parts(p.contains("bound"), p.contains("http"), p.contains("proofs"));
        }
    }

    private void run(Parts parts) throws Exception {
        String pg = System.getenv("SIGSTACK_PG_URL");
        int cores = Runtime.getRuntime().availableProcessors();
        line("Run " + Instant.now() + ", " + cores + " cores (availableProcessors), Java "
                + System.getProperty("java.version") + ", " + CLIENTS + " HTTP/1.1 keep-alive clients, warm-up "
                + WARMUP + " s, measured " + SECONDS + " s per row.");
        line("");
        double bound = 0;
        if (parts.bound()) {
            double perCore = cryptoPerCore(Math.min(WARMUP, 10), Math.max(5, SECONDS / 2));
            bound = perCore * cores;
            line(String.format(Locale.ROOT, "Machine bound (ECDSA P-256 verify + ECDSA P-256 SET sign, one thread, "
                    + "with the implementation the service uses: core ecdsa on BouncyCastle's lightweight API): "
                    + "%.0f entries/s per core x %d cores = **%.0f entries/s**.", perCore, cores, bound));
            jdk = true;
            double jdkPerCore = cryptoPerCore(Math.min(WARMUP, 10), Math.max(5, SECONDS / 2));
            jdk = false;
            v2Only = true;
            v2Bound = cryptoPerCore(Math.min(WARMUP, 10), Math.max(5, SECONDS / 2)) * cores;
            v2Only = false;
            line(String.format(Locale.ROOT, "Rekor v2 bound (ECDSA P-256 verify only: v2 signs no SET per entry, "
                    + "core ecdsa): **%.0f entries/s**.", v2Bound));
            line(String.format(Locale.ROOT, "Same operations with the JDK's SunEC provider (the bound before the "
                    + "service switched): %.0f entries/s per core x %d cores = %.0f entries/s.", jdkPerCore, cores,
                    jdkPerCore * cores));
            line("");
        }
        if (parts.http()) {
            line("| store | route | clients | entries/s | ratio to bound (bound just before the row) | p50 ms | p99 ms | failed "
                    + "| server CPU | load generator CPU | PostgreSQL CPU | machine busy (all processes) "
                    + "| server heap used (metrics, end of row) |");
            line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Path tmp = Files.createTempDirectory("tlog-bench");
            try {
                List<String> rows = Arrays.asList(System.getProperty("bench.rows", "pg,h2,pg-v2,h2-v2,pg-raw,h2-raw").split(","));
                for (String row : rows) {
                    boolean onPg = row.startsWith("pg");
                    if (onPg && pg == null) {
                        continue;
                    }
                    String url = onPg ? freshSchema(pg) : "jdbc:h2:file:" + tmp.resolve(row + "/tlog").toAbsolutePath();
                    String route = row.endsWith("-raw") ? "/test/append"
                            : row.endsWith("-v2") ? "/api/v2/log/entries" : "/api/v1/log/entries";
                    httpRow(onPg ? "PostgreSQL" : "H2", url, tmp.resolve(row), route,
                            route.startsWith("/api/v2") ? v2Bound : bound);
                }
            } finally {
                Trees.deleteTree(tmp); // the H2 files and the server's data folders
            }
            line("");
        }
        if (parts.proofs()) {
            Path fill = Files.createTempDirectory("tlog-fill");
            try {
                proofs(pg != null ? freshSchema(pg) : "jdbc:h2:file:" + fill + "/tlog", pg != null ? "PostgreSQL" : "H2");
            } finally {
                Trees.deleteTree(fill);
            }
        }
        String out = System.getProperty("bench.out");
        if (out != null) {
            Files.writeString(Path.of(out), report.toString());
        }
    }

    private void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    // ---- 1. the machine's bound

    private static double cryptoPerCore(int warmupSeconds, int seconds) throws Exception {
        KeyPair submitter = ecKey();
        KeyPair log = ecKey();
        byte[] logId = SignedEntryTimestamp.logId(log.getPublic());
        int n0 = 2000;
        byte[][] digests = new byte[n0][];
        byte[][] sigs = new byte[n0][];
        byte[][] bodies = new byte[n0][];
        for (int i = 0; i < n0; i++) {
            byte[] artifact = ("artifact " + i).getBytes(StandardCharsets.UTF_8);
            digests[i] = sha256(artifact);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(submitter.getPrivate());
            s.update(artifact);
            sigs[i] = s.sign();
            bodies[i] = HashedRekords.proposed(submitter, TestKeys.pem(submitter), artifact); // SET-sized payload
        }
        long i = 0;
        long end = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
        while (System.nanoTime() < end) {
            perEntry(submitter, log, logId, digests, sigs, bodies, (int) (i++ % n0), i);
        }
        long n = 0;
        long start = System.nanoTime();
        end = start + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            perEntry(submitter, log, logId, digests, sigs, bodies, (int) (n % n0), n);
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** Measure the bound with the JDK's provider instead of the service's implementation. */
    private static volatile boolean jdk;
    /** Measure the Rekor v2 bound: the verify alone, no SET. */
    private static volatile boolean v2Only;

    /**
     * What a hashedrekord append must do per entry: verify the submitter's ECDSA P-256 signature (its key decoded
     * per entry, as each request brings its own), sign a SET; as the service does it, or with the JDK's provider.
     */
    private static void perEntry(KeyPair submitter, KeyPair log, byte[] logId, byte[][] digests, byte[][] sigs,
            byte[][] bodies, int k, long index) throws Exception {
        if (!jdk) {
            if (!dev.sigstack.core.ecdsa.Ecdsa.Verifier.of(submitter.getPublic()).orElseThrow()
                    .verifyDigest(digests[k], sigs[k])) {
                throw new IllegalStateException("does not verify");
            }
            if (v2Only) {
                return;
            }
            SignedEntryTimestamp.sign(log.getPrivate(), bodies[k], System.currentTimeMillis() / 1000, logId, index);
            return;
        }
        Signature sig = Signature.getInstance("SHA256withECDSA");
        sig.initSign(log.getPrivate());
        sig.update(SignedEntryTimestamp.payload(bodies[k], System.currentTimeMillis() / 1000, logId, index));
        sig.sign();
        Signature v = Signature.getInstance("NONEwithECDSA"); // over the digest, as hashedrekord verifies
        v.initVerify(submitter.getPublic());
        v.update(digests[k]);
        if (!v.verify(sigs[k])) {
            throw new IllegalStateException("does not verify");
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    // ---- 2. appends over HTTP

    private void httpRow(String store, String jdbcUrl, Path data, String route, double bound) throws Exception {
        boolean rekor = route.startsWith("/api/v1");
        boolean v2 = route.startsWith("/api/v2");
        int count = MAX_ENTRIES;
        byte[][] bodies = rekor ? (rekorBodies == null ? rekorBodies = bodies(count, true) : rekorBodies)
                : v2 ? (v2Bodies == null ? v2Bodies = v2Bodies(count) : v2Bodies)
                : (rawBodies == null ? rawBodies = bodies(count, false) : rawBodies);
        quiesce(); // e.g. PostgreSQL still vacuuming and checkpointing after the previous row
        v2Only = v2;
        double rowBound = bound > 0 ? cryptoPerCore(1, 5) * CORES : 0; // right before the row, same conditions
        v2Only = false;
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
        if (v2) {
            jvm.add("-Dtlog.api=rekor-v2");
        }
        String extra = System.getProperty("bench.serverOpts", "").strip(); // e.g. -XX:StartFlightRecording=...
        if (!extra.isEmpty()) {
            jvm.addAll(Arrays.asList(extra.split("\\s+")));
        }
        try (TlogProcess p = TlogProcess.start(jdbcUrl, data, HOST, "bench", jvm).awaitReady(Duration.ofSeconds(60))) {
            int port = URI.create(p.url()).getPort();
            byte[][] requests = new byte[bodies.length][];
            for (int i = 0; i < bodies.length; i++) {
                requests[i] = RawHttpClient.request("127.0.0.1", port, route, "application/json", bodies[i]);
            }
            AtomicInteger next = new AtomicInteger();
            // the warm-up may use at most half the bodies (a fast row would otherwise leave none to measure)
            Phase warm = phase(port, requests, next, WARMUP, requests.length / 2);
            long clientCpu0 = cpuNanos(ProcessHandle.current());
            long serverCpu0 = cpuNanos(ProcessHandle.of(p.pid()).orElseThrow());
            long pgCpu0 = postgresCpuNanos();
            long[] machine0 = machineTicks();
            Phase m = phase(port, requests, next, SECONDS, requests.length);
            double clientCpu = (cpuNanos(ProcessHandle.current()) - clientCpu0) / 1e9 / m.seconds;
            double serverCpu = (cpuNanos(ProcessHandle.of(p.pid()).orElseThrow()) - serverCpu0) / 1e9 / m.seconds;
            double pgCpu = (postgresCpuNanos() - pgCpu0) / 1e9 / m.seconds;
            long[] machine1 = machineTicks();
            double machineBusy = machine1[1] == machine0[1] ? Double.NaN
                    : (double) (machine1[0] - machine0[0]) / (machine1[1] - machine0[1]) * CORES;
            double rate = m.ok / m.seconds;
            long[] lat = m.latencies;
            String heap = serverHeap(p);
            line(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %s | %.1f | %.1f | %d | %.2f | %.2f | %s | %.2f | %s |",
                    store, rekor ? "hashedrekord `POST /api/v1/log/entries`"
                            : v2 ? "Rekor v2 hashedRekordRequestV002 `POST /api/v2/log/entries`"
                            : "raw `POST /test/append` (engine only)",
                    CLIENTS, rate, rowBound > 0 ? String.format(Locale.ROOT, "%.2f (%.0f)", rate / rowBound, rowBound) : "-",
                    pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, m.failed + warm.failed, serverCpu, clientCpu,
                    String.format(Locale.ROOT, "%.2f", pgCpu), machineBusy, heap));
            String jfr = System.getProperty("bench.jfrDump"); // with -Dbench.serverOpts=-XX:StartFlightRecording
            if (jfr != null) {
                Path to = Path.of(jfr + "-" + store.toLowerCase(Locale.ROOT) + (rekor ? "" : v2 ? "-v2" : "-raw") + ".jfr");
                new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(p.pid()), "JFR.dump", "filename=" + to.toAbsolutePath())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
        }
    }

    private static byte[][] bodies(int count, boolean rekor) throws Exception {
        String run = UUID.randomUUID().toString();
        byte[][] out = new byte[count][];
        if (!rekor) {
            for (int i = 0; i < count; i++) {
                out[i] = ("{\"run\":\"" + run + "\",\"n\":" + i + ",\"pad\":\"" + "p".repeat(200) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            return out;
        }
        KeyPair[] keys = new KeyPair[16];
        byte[][] pems = new byte[keys.length][];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = ecKey();
            pems[k] = TestKeys.pem(keys[k]);
        }
        IntStream.range(0, count).parallel().forEach(i -> out[i] = HashedRekords.proposed(keys[i % keys.length],
                pems[i % keys.length], (run + " artifact " + i).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** Rekor v2 create-entry requests: a hashedRekordRequestV002 per entry, the verifier a PKIX public key. */
    private static byte[][] v2Bodies(int count) throws Exception {
        String run = UUID.randomUUID().toString();
        KeyPair[] keys = new KeyPair[16];
        for (int k = 0; k < keys.length; k++) {
            keys[k] = ecKey();
        }
        byte[][] out = new byte[count][];
        IntStream.range(0, count).parallel().forEach(i -> {
            KeyPair kp = keys[i % keys.length];
            byte[] artifact = (run + " v2 artifact " + i).getBytes(StandardCharsets.UTF_8);
            var hr = HashedRekordRequestV002.newBuilder()
                    .setDigest(ByteString.copyFrom(TestKeys.sha256(artifact)))
                    .setSignature(dev.sigstore.proto.rekor.v2.Signature.newBuilder()
                            .setContent(ByteString.copyFrom(TestKeys.sign(kp, artifact)))
                            .setVerifier(Verifier.newBuilder()
                                    .setKeyDetails(PublicKeyDetails.PKIX_ECDSA_P256_SHA_256)
                                    .setPublicKey(PublicKey.newBuilder().setRawBytes(
                                            ByteString.copyFrom(kp.getPublic().getEncoded())))))
                    .build();
            try {
                out[i] = JsonFormat.printer().omittingInsignificantWhitespace()
                        .print(CreateEntryRequest.newBuilder()
                                .setHashedRekordRequestV002(hr).build())
                        .getBytes(StandardCharsets.UTF_8);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        });
        return out;
    }

    private record Phase(long ok, long failed, double seconds, long[] latencies) { }

    /**
     * {@code CLIENTS} threads, each on its own keep-alive connection ({@link RawHttpClient}: pre-built requests, so
     * the load generator costs little of the CPUs it shares with the server), post requests until {@code seconds}
     * pass or the requests run out; a connection that fails is counted and replaced.
     */
    private static Phase phase(int port, byte[][] requests, AtomicInteger next, int seconds, int limit)
            throws Exception {
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        AtomicLong failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            results.add(pool.submit(() -> {
                long[] lat = new long[1024];
                int n = 0;
                RawHttpClient conn = new RawHttpClient("127.0.0.1", port);
                try {
                    while (System.nanoTime() < end) {
                        int i = next.getAndIncrement();
                        if (i >= limit) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        int status;
                        try {
                            status = conn.send(requests[i]);
                        } catch (IOException e) {
                            failed.incrementAndGet();
                            conn.close();
                            conn = new RawHttpClient("127.0.0.1", port);
                            continue;
                        }
                        long t = System.nanoTime() - t0;
                        if (status != 201) {
                            failed.incrementAndGet();
                            continue;
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = t;
                    }
                } finally {
                    conn.close();
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            all.add(f.get());
        }
        double took = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Phase(lat.length, failed.get(), took, lat);
    }

    /**
     * Waits (up to 60 s) until the machine is quiet apart from the idle server: PostgreSQL below 5% of a core over
     * a second, so that one row's aftermath (autovacuum, checkpoints) is not measured in the next row.
     */
    private static void quiesce() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            long pg0 = postgresCpuNanos();
            Thread.sleep(1000);
            if (postgresCpuNanos() - pg0 < 50_000_000L) {
                return;
            }
        }
    }

    /** CPU time of the PostgreSQL server processes (all of them on this machine) so far, in nanoseconds. */
    private static long postgresCpuNanos() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .mapToLong(TlogLoadBenchmark::cpuNanos).sum();
    }

    /** {busy, total} jiffies of all CPUs from /proc/stat ({0, 0} where there is none). */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** CPU time the process used so far (user + system), in nanoseconds; 0 when the OS does not say. */
    private static long cpuNanos(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** The server's heap after its own GC, from the metrics endpoint when it reports it. */
    private static String serverHeap(TlogProcess p) {
        try {
            String metrics = new String(new LogClient(p.url()).get("/observe/metrics"), StandardCharsets.UTF_8);
            for (String l : metrics.split("\n")) {
                if (l.startsWith("memory_usedHeap")) {
                    return String.format(Locale.ROOT, "%.0f MiB",
                            Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) / (1 << 20));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // not reported
        }
        return "-";
    }

    // ---- 3. inclusion proofs at 1 M+ entries, memory as the log grows

    private void proofs(String jdbcUrl, String store) throws Exception {
        byte[] seed = new byte[32];
        seed[0] = 7;
        NoteSigner signer = NoteKeys.ed25519Signer(HOST, seed);
        line("Inclusion proofs and memory on " + store + ": the log filled in-process through `LogEngine.add` "
                + "(1024 concurrent callers; each add returns after its batch commits), then `inclusionProof` "
                + "for random indices against the published size.");
        line("");
        line("| entries | fill rate (entries/s) | heap used after full GC |");
        line("|---:|---:|---:|");
        try (Engines engines = Engines.open(jdbcUrl, 16, "")) {
            dev.sigstack.tlog.LogEngine log = engines.openLog(HOST, signer).engine();
            line(String.format(Locale.ROOT, "| 0 | - | %s |", heapAfterGc()));
            AtomicLong issued = new AtomicLong();
            long step = FILL / 4;
            String run = UUID.randomUUID().toString().substring(0, 8);
            for (long target = step; target <= FILL; target += step) {
                long t0 = System.nanoTime();
                long goal = target;
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int c = 0; c < 1024; c++) {
                        ex.submit(() -> {
                            long i;
                            while ((i = issued.getAndIncrement()) < goal) {
                                byte[] leaf = (run + "/" + i + "/" + "l".repeat(100)).getBytes(StandardCharsets.UTF_8);
                                while (true) {
                                    try {
                                        log.add(new dev.sigstack.tlog.LogEngine.NewEntry(leaf, sha256(leaf), null, null));
                                        break;
                                    } catch (PushbackException e) {
                                        Thread.sleep(5);
                                    }
                                }
                            }
                            return null;
                        });
                    }
                }
                issued.set(goal);
                double rate = step / ((System.nanoTime() - t0) / 1e9);
                log.awaitIntegrated(goal - 1, Duration.ofMinutes(10));
                line(String.format(Locale.ROOT, "| %d | %.0f | %s |", goal, rate, heapAfterGc()));
            }
            long size = log.checkpoint().size();
            byte[] root = log.checkpoint().rootHash();
            // first the proofs as they come after the fill (the tile cache holds what integration left in it: the
            // right-hand tiles), then as many again (the cache holds the tiles the first ones read)
            long[] first = proofLatencies(log, size, root, PROOFS);
            long[] then = proofLatencies(log, size, root, PROOFS);
            line("");
            line(String.format(Locale.ROOT, "Inclusion proofs (`LogEngine.inclusionProof` for random indices, one "
                    + "thread, tiles from %s through the engine's 32 MiB tile cache) at %d entries: first %d proofs "
                    + "after the fill p50 %.2f ms, **p99 %.2f ms** (max %.2f); the next %d p50 %.2f ms, p99 %.2f ms.",
                    store, size, PROOFS, pct(first, 0.5) / 1e6, pct(first, 0.99) / 1e6, first[first.length - 1] / 1e6,
                    PROOFS, pct(then, 0.5) / 1e6, pct(then, 0.99) / 1e6));
        }
    }

    private static long[] proofLatencies(dev.sigstack.tlog.LogEngine log, long size, byte[] root, int n)
            throws Exception {
        long[] lat = new long[n];
        for (int k = 0; k < n; k++) {
            long idx = ThreadLocalRandom.current().nextLong(size);
            long t0 = System.nanoTime();
            List<byte[]> proof = log.inclusionProof(idx, size);
            lat[k] = System.nanoTime() - t0;
            if (k % 500 == 0) {
                byte[] leaf = log.entry(idx).orElseThrow().leafData();
                Proofs.verifyInclusion(idx, size, Rfc6962.leafHash(leaf), proof, root);
            }
        }
        Arrays.sort(lat);
        return lat;
    }

    private static String heapAfterGc() {
        System.gc();
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return String.format(Locale.ROOT, "%.1f MiB", used / (double) (1 << 20));
    }

    private static byte[] sha256(byte[] data) {
        return TestKeys.sha256(data);
    }

    private static String freshSchema(String pg) throws Exception {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(pg); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return pg + "&currentSchema=" + schema;
    }
}
