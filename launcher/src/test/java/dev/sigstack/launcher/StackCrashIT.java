package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.sigstack.core.ct.Precertificates;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.rekor.TestKeys;
import dev.sigstack.tlog.AppendLoad;
import dev.sigstack.tlog.HashedRekords;
import dev.sigstack.tlog.LogAudit;
import dev.sigstack.tlog.LogClient;
import dev.sigstack.tlog.internal.KeyFiles;
import dev.sigstore.proto.common.v1.PublicKeyDetails;
import dev.sigstore.proto.common.v1.X509Certificate;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.rekor.v2.CreateEntryRequest;
import dev.sigstore.proto.rekor.v2.HashedRekordRequestV002;
import dev.sigstore.proto.rekor.v2.Signature;
import dev.sigstore.proto.rekor.v2.Verifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as users run it, killed: {@code java -jar sigstack-launcher.jar} (what {@code ./sigstack run}
 * starts: embedded H2 under the data directory) takes sustained appends to Rekor v1 (hashedrekord), Rekor v2
 * (hashedrekord v0.0.2) and certificate requests to the CA (each an SCT from the CT log, embedded in the
 * certificate), and is killed with SIGKILL mid-load, ten times on one data directory. After every restart, every
 * acknowledged entry is in its log at its index with the same body, every issued SCT's leaf (same timestamp, same
 * precertificate) is in the CT log, and at the end consistency proofs verify between every pair of checkpoints
 * seen, before and after the kills, on each of the three logs.
 */
final class StackCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 10;
    private static final String HOST = "127.0.0.1";

    @TempDir
    Path tmp;

    @Test
    void run_sigkilledTenTimesDuringAppends_acknowledgedEntriesAndIssuedSctsSurvive() throws Exception {
        Path data = tmp.resolve("data");
        Random random = new Random(13);
        Seen v1 = new Seen("Rekor v1");
        Seen v2 = new Seen("Rekor v2");
        Seen ct = new Seen("CT log");
        List<byte[]> sctLeaves = new ArrayList<>();
        List<byte[]> lastRoundScts = List.of();
        for (int round = 0; round <= KILLS; round++) {
            long t0 = System.nanoTime();
            try (Launched stack = Launched.start(data, tmp.resolve("round" + round + ".log"))) {
                long t1 = System.nanoTime();
                Logs logs = new Logs(stack, data);
                if (round > 0) {
                    v1.audit(logs.v1, logs.v1Verifier, stack);
                    v2.audit(logs.v2, logs.v2Verifier, stack);
                    auditScts(logs, sctLeaves, ct, stack);
                    auditSctsThroughCtApi(logs, lastRoundScts);
                }
                if (round == KILLS) {
                    System.out.printf("%d kills: %d Rekor v1, %d Rekor v2 entries and %d SCTs acknowledged, all"
                            + " present at their index; consistent checkpoint pairs: v1 %d, v2 %d, CT %d%n", KILLS,
                            v1.acks.size(), v2.acks.size(), sctLeaves.size(), v1.consistent(logs.v1, logs.v1Verifier),
                            v2.consistent(logs.v2, logs.v2Verifier), ct.consistent(logs.ct, logs.ctVerifier));
                    break;
                }
                long t2 = System.nanoTime();
                Load load = new Load(logs, "r" + round).start();
                load.awaitEach(3, Duration.ofSeconds(90), stack);
                Thread.sleep(1_000 + random.nextInt(2_000)); // sustained: the kill lands among many commits
                int status = stack.kill();
                assertEquals(137, status, "the launcher died of SIGKILL (128 + 9)");
                load.stop();
                assertTrue(load.problems.isEmpty(), () -> "bad answers or checkpoints: " + load.problems);
                v1.acks.addAll(load.v1Acks);
                v2.acks.addAll(load.v2Acks);
                sctLeaves.addAll(load.sctLeaves);
                lastRoundScts = List.copyOf(load.sctLeaves);
                v1.checkpoints.addAll(load.checkpoints.get(0));
                v2.checkpoints.addAll(load.checkpoints.get(1));
                ct.checkpoints.addAll(load.checkpoints.get(2));
                System.out.printf("round %d: acknowledged %d v1, %d v2, %d SCTs; %d requests failed or cut off;"
                        + " start-up %.1f s, audit %.1f s, load %.1f s%n", round, load.v1Acks.size(),
                        load.v2Acks.size(), load.sctLeaves.size(), load.failures.get(), (t1 - t0) / 1e9,
                        (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
            }
        }
    }

    /** What the clients of one log saw: acknowledgements (v1, v2) and verified checkpoints. */
    private static final class Seen {
        final String name;
        final List<AppendLoad.Ack> acks = new ArrayList<>();
        final List<LogClient.SeenCheckpoint> checkpoints = new ArrayList<>();

        Seen(String name) {
            this.name = name;
        }

        /** Every acknowledged entry is back at its index, byte for byte, with an inclusion proof. */
        void audit(LogClient log, NoteVerifier verifier, Launched stack) throws Exception {
            long max = acks.stream().mapToLong(AppendLoad.Ack::index).max().orElse(-1);
            LogClient.SeenCheckpoint head;
            try {
                head = log.awaitSize(max + 1, verifier, Duration.ofSeconds(60));
                LogAudit.assertAcknowledgedEntriesPresent(log, acks, head);
            } catch (AssertionError e) {
                throw new AssertionError(name + ": " + lost(log, log.checkpoint(verifier)) + "; highest acknowledged"
                        + " index " + max + "; " + e.getMessage() + " (log: " + stack.log + ")", e);
            }
            checkpoints.add(head);
        }

        /** How many acknowledged entries are not at their index in the tree of {@code head}. */
        private String lost(LogClient log, LogClient.SeenCheckpoint head) throws Exception {
            List<byte[]> entries = log.entries(head.size());
            long missing = acks.stream().filter(a -> a.index() >= entries.size()
                    || !Arrays.equals(entries.get((int) a.index()), a.leaf())).count();
            return missing + " of " + acks.size() + " acknowledged entries are not at their index after the restart"
                    + " (tree size now " + head.size() + ")";
        }

        long consistent(LogClient log, NoteVerifier verifier) throws Exception {
            LogClient.SeenCheckpoint head = log.checkpoint(verifier);
            long pairs = LogAudit.assertAllConsistent(log, checkpoints, head);
            assertTrue(pairs > KILLS, name + ": consistency was checked across the kills");
            return pairs;
        }
    }

    /**
     * Every issued SCT's MerkleTreeLeaf (its timestamp over the precertificate entry) is in the CT log's tree, and
     * its inclusion proof from the hash tiles verifies against the signed checkpoint. An SCT promises integration
     * within the log's maximum merge delay, so the tree is awaited for up to 60 s.
     */
    private static void auditScts(Logs logs, List<byte[]> leaves, Seen ct, Launched stack) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            LogClient.SeenCheckpoint head = logs.ct.checkpoint(logs.ctVerifier);
            List<byte[]> entries = logs.ct.entries(head.size());
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < entries.size(); i++) {
                assertTrue(index.put(HexFormat.of().formatHex(entries.get(i)), i) == null, "a CT leaf twice in the log");
            }
            List<byte[]> missing = leaves.stream().filter(l -> !index.containsKey(HexFormat.of().formatHex(l))).toList();
            if (missing.isEmpty()) {
                HashReader reader = logs.ct.hashReader(head.size());
                for (byte[] leaf : leaves) {
                    long i = index.get(HexFormat.of().formatHex(leaf));
                    Proofs.verifyInclusion(i, head.size(), Rfc6962.leafHash(leaf),
                            Proofs.inclusionProof(i, head.size(), reader), head.root());
                }
                ct.checkpoints.add(head);
                return;
            }
            assertTrue(System.nanoTime() < deadline, () -> missing.size() + " of " + leaves.size()
                    + " issued SCTs have no leaf in the CT log of size " + head.size() + " (log: " + stack.log + ")");
            Thread.sleep(100);
        }
    }

    /**
     * The SCTs issued just before the last kill, through the RFC 6962 API: {@code get-proof-by-hash} finds each leaf,
     * and {@code get-entries} at that index returns the same leaf (timestamp and precertificate).
     */
    private static void auditSctsThroughCtApi(Logs logs, List<byte[]> leaves) throws Exception {
        long size = JSON.readTree(logs.ct.get("/ct/v1/get-sth")).get("tree_size").asLong();
        for (byte[] leaf : leaves) {
            String hash = URLEncoder.encode(Base64.getEncoder().encodeToString(Rfc6962.leafHash(leaf)),
                    StandardCharsets.UTF_8);
            byte[] proof = logs.ct.get("/ct/v1/get-proof-by-hash?hash=" + hash + "&tree_size=" + size);
            assertTrue(proof != null, "get-proof-by-hash finds an issued SCT's leaf in the tree of " + size);
            long i = JSON.readTree(proof).get("leaf_index").asLong();
            JsonNode got = JSON.readTree(logs.ct.get("/ct/v1/get-entries?start=" + i + "&end=" + i)).get("entries");
            assertEquals(1, got.size());
            assertArrayEquals(leaf, Base64.getDecoder().decode(got.get(0).get("leaf_input").asText()),
                    "get-entries at " + i + " returns the SCT's leaf");
        }
    }

    /** The three logs of one running stack, with their checkpoint verifiers (keys from the data directory). */
    private static final class Logs {
        final LogClient v1;
        final LogClient v2;
        final LogClient ct;
        final NoteVerifier v1Verifier;
        final NoteVerifier v2Verifier;
        final NoteVerifier ctVerifier;
        final PublicKey ctKey;
        final String caUrl;
        final String tokenEndpoint;

        Logs(Launched stack, Path data) throws Exception {
            JsonNode s = stack.services;
            v1 = new LogClient(s.at("/rekor/url").asText());
            v2 = new LogClient(s.at("/rekorV2/url").asText());
            ct = new LogClient(s.at("/ctlog/url").asText());
            caUrl = s.at("/ca/url").asText();
            tokenEndpoint = s.at("/oidc/tokenEndpoint").asText();
            v1Verifier = NoteKeys.ecdsaVerifier(HOST, key(data, "rekor-v1-key.pem"));
            v2Verifier = NoteKeys.ecdsaVerifier(HOST, key(data, "rekor-v2-key.pem"));
            ctKey = key(data, "ct-key.pem");
            ctVerifier = NoteKeys.ecdsaVerifier(HOST, ctKey);
        }

        private static PublicKey key(Path data, String file) throws Exception {
            Path p = data.resolve("tlog").resolve(file);
            assertTrue(Files.exists(p), p + " exists");
            return KeyFiles.loadOrCreateEcdsa(p).getPublic();
        }
    }

    /**
     * The load: Rekor v1 and v2 writers, CA clients asking for signing certificates (the CA gets an SCT for each
     * from the CT log), and a poller of the three logs' checkpoints. Every answer that acknowledges is recorded;
     * failures (the process being killed) are counted and retried with new entries.
     */
    private static final class Load {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        final Logs logs;
        final String tag;
        final ConcurrentLinkedQueue<AppendLoad.Ack> v1Acks = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<AppendLoad.Ack> v2Acks = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<byte[]> sctLeaves = new ConcurrentLinkedQueue<>();
        final List<ConcurrentLinkedQueue<LogClient.SeenCheckpoint>> checkpoints =
                List.of(new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
        final ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
        final AtomicLong failures = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;

        Load(Logs logs, String tag) {
            this.logs = logs;
            this.tag = tag;
        }

        Load start() {
            for (int t = 0; t < 6; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().daemon().name("v1-" + tag + "-" + t).start(() -> v1Loop(id)));
                threads.add(Thread.ofPlatform().daemon().name("v2-" + tag + "-" + t).start(() -> v2Loop(id)));
                if (t < 3) {
                    threads.add(Thread.ofPlatform().daemon().name("ca-" + tag + "-" + t).start(() -> caLoop(id)));
                }
            }
            threads.add(Thread.ofPlatform().daemon().name("checkpoints-" + tag).start(this::pollLoop));
            return this;
        }

        private void v1Loop(int id) {
            KeyPair submitter = TestKeys.p256();
            byte[] pem = TestKeys.pem(submitter);
            for (long seq = 0; !stopped; seq++) {
                byte[] artifact = (tag + "/v1/" + id + "/" + seq).getBytes(StandardCharsets.UTF_8);
                String digest = HexFormat.of().formatHex(TestKeys.sha256(artifact));
                try {
                    HashedRekords.Created c = logs.v1.createEntry(HashedRekords.proposed(submitter, pem, artifact));
                    if (!new String(c.body(), StandardCharsets.UTF_8).contains(digest)) {
                        problems.add(new AssertionError("the v1 201 for " + digest + " logged another body"));
                    }
                    v1Acks.add(new AppendLoad.Ack(c.body(), c.logIndex(), System.nanoTime()));
                } catch (IOException | LogClient.AppendRejected e) {
                    failed();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void v2Loop(int id) {
            KeyPair kp = TestKeys.p256();
            java.security.cert.X509Certificate cert = TestKeys.certificate(kp, "v2-" + id + "@crash.test");
            for (long seq = 0; !stopped; seq++) {
                byte[] artifact = (tag + "/v2/" + id + "/" + seq).getBytes(StandardCharsets.UTF_8);
                try {
                    HashedRekordRequestV002 hr = HashedRekordRequestV002.newBuilder()
                            .setDigest(ByteString.copyFrom(TestKeys.sha256(artifact)))
                            .setSignature(Signature.newBuilder()
                                    .setContent(ByteString.copyFrom(TestKeys.sign(kp, artifact)))
                                    .setVerifier(Verifier.newBuilder()
                                            .setKeyDetails(PublicKeyDetails.PKIX_ECDSA_P256_SHA_256)
                                            .setX509Certificate(X509Certificate.newBuilder()
                                                    .setRawBytes(ByteString.copyFrom(cert.getEncoded())))))
                            .build();
                    String body = JsonFormat.printer().print(
                            CreateEntryRequest.newBuilder().setHashedRekordRequestV002(hr).build());
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(logs.v2.base()
                                    + "/api/v2/log/entries")).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) {
                        failed();
                        continue;
                    }
                    TransparencyLogEntry.Builder tle = TransparencyLogEntry.newBuilder();
                    JsonFormat.parser().merge(r.body(), tle);
                    v2Acks.add(new AppendLoad.Ack(tle.getCanonicalizedBody().toByteArray(), tle.getLogIndex(),
                            System.nanoTime()));
                } catch (IOException e) {
                    failed();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    problems.add(e);
                    return;
                }
            }
        }

        /** Signing certificates from the CA for development-issuer tokens; records each embedded SCT's leaf. */
        private void caLoop(int id) {
            String email = tag + "-" + id + "@crash.test";
            String token = null;
            CertificateFactory cf;
            try {
                cf = CertificateFactory.getInstance("X.509");
            } catch (Exception e) {
                problems.add(e);
                return;
            }
            while (!stopped) {
                try {
                    if (token == null) {
                        HttpResponse<String> t = HTTP.send(HttpRequest.newBuilder(URI.create(logs.tokenEndpoint
                                + "?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        if (t.statusCode() != 200) {
                            failed();
                            continue;
                        }
                        token = JSON.readTree(t.body()).get("id_token").asText();
                    }
                    KeyPair key = TestKeys.p256();
                    String request = JSON.createObjectNode()
                            .<com.fasterxml.jackson.databind.node.ObjectNode>set("credentials",
                                    JSON.createObjectNode().put("oidcIdentityToken", token))
                            .set("publicKeyRequest", JSON.createObjectNode()
                                    .put("proofOfPossession", Base64.getEncoder().encodeToString(
                                            TestKeys.sign(key, email.getBytes(StandardCharsets.UTF_8))))
                                    .set("publicKey", JSON.createObjectNode().put("algorithm", "ECDSA")
                                            .put("content", new String(TestKeys.pem(key), StandardCharsets.US_ASCII))))
                            .toString();
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(logs.caUrl
                                    + "/api/v2/signingCert")).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        failed();
                        continue;
                    }
                    List<X509CertificateHolder> chain = new ArrayList<>();
                    for (JsonNode pem : JSON.readTree(r.body()).at("/signedCertificateEmbeddedSct/chain/certificates")) {
                        chain.add(new X509CertificateHolder(cf.generateCertificate(new ByteArrayInputStream(
                                pem.asText().getBytes(StandardCharsets.US_ASCII))).getEncoded()));
                    }
                    Sct sct = SctVerifier.verifyEmbedded(chain.get(0), chain.get(1), logs.ctKey);
                    sctLeaves.add(Precertificates.embeddedEntry(chain.get(0), chain.get(1))
                            .merkleTreeLeaf(sct.timestamp(), sct.extensions()));
                } catch (IOException e) {
                    failed();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    problems.add(e);
                    return;
                }
            }
        }

        private void pollLoop() {
            List<LogClient> clients = List.of(logs.v1, logs.v2, logs.ct);
            List<NoteVerifier> verifiers = List.of(logs.v1Verifier, logs.v2Verifier, logs.ctVerifier);
            while (!stopped) {
                for (int i = 0; i < 3; i++) {
                    try {
                        checkpoints.get(i).add(clients.get(i).checkpoint(verifiers.get(i)));
                    } catch (IOException e) {
                        // the process is down
                    } catch (AssertionError e) {
                        problems.add(e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                pause(50);
            }
        }

        private void failed() {
            failures.incrementAndGet();
            pause(20);
        }

        private static void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until each of the three kinds of request was acknowledged {@code n} times. */
        void awaitEach(int n, Duration timeout, Launched stack) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (v1Acks.size() < n || v2Acks.size() < n || sctLeaves.size() < n) {
                assertTrue(problems.isEmpty(), () -> "problems: " + problems);
                assertTrue(System.nanoTime() < deadline, () -> "within " + timeout + ": " + v1Acks.size() + " v1, "
                        + v2Acks.size() + " v2, " + sctLeaves.size() + " SCTs acknowledged; " + failures.get()
                        + " failed (log: " + stack.log + ")");
                Thread.sleep(10);
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            for (Thread t : threads) {
                t.join(40_000);
                assertTrue(!t.isAlive(), t.getName() + " stopped");
            }
        }
    }

    /**
     * {@code java -jar target/sigstack-launcher.jar --data-dir D --base-port 0}, as {@code ./sigstack run} starts it
     * (plus two JVM flags for start-up time on a 2-core machine: C1 only and the serial collector), described by the
     * stack.json it writes.
     */
    private static final class Launched implements AutoCloseable {
        final Process process;
        final Path log;
        final JsonNode services;

        private Launched(Process process, Path log, JsonNode services) {
            this.process = process;
            this.log = log;
            this.services = services;
        }

        static Launched start(Path data, Path log) throws Exception {
            String jar = System.getProperty("sigstack.launcherJar");
            // failsafe sets it after package; surefire (a -Dtest pattern that names this class) does not
            Assumptions.assumeTrue(jar != null, "skipped: an integration test, run by failsafe after package");
            assertTrue(Files.isRegularFile(Path.of(jar)), "the launcher jar is built: " + jar);
            Files.createDirectories(data);
            Path json = data.resolve("stack.json");
            Files.deleteIfExists(json); // the previous (killed) run's
            String java = ProcessHandle.current().info().command().orElse(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Process p = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-jar", jar, "--data-dir", data.toString(), "--base-port", "0")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.exists(json)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new AssertionError("the launcher did not write stack.json; its output:\n"
                            + Files.readString(log));
                }
                Thread.sleep(50);
            }
            return new Launched(p, log, JSON.readTree(json.toFile()).get("services"));
        }

        /** SIGKILL; returns the exit status (137). */
        int kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the launcher survived SIGKILL");
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                kill();
            }
        }
    }
}
