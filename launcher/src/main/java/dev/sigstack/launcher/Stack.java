package dev.sigstack.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.ca.CaConfig;
import dev.sigstack.ca.CaServer;
import dev.sigstack.ca.ct.CtLogClient;
import dev.sigstack.ca.ct.CtSubmissionException;
import dev.sigstack.ca.ct.HttpCtLogClient;
import dev.sigstack.core.rekor.RekorV2Entries;
import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.tlog.TlogServer;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Expiries;
import dev.sigstack.tuf.Keys;
import dev.sigstack.tuf.RoleSpec;
import dev.sigstack.tuf.StackTargets;
import dev.sigstack.tuf.TufRepoServer;
import dev.sigstack.tuf.TufRepository;
import dev.sigstack.core.tuf.TufSigner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stack's services in one process, with all state under one data directory, and the machine-readable
 * {@code stack.json} that scripts and CI read. Start order follows the trust flow: the logs, then the CA (its
 * CT log is started right after it, trusting the CA's root), then the TUF repository built from every
 * service's keys, served as a mirror.
 */
final class Stack implements AutoCloseable {
    /** Where to listen; port 0 takes any free port (tests). */
    record Settings(Path dataDir, String host, int basePort, Path identityConfig, Set<String> plainHttpRegistries) {
        Settings {
            plainHttpRegistries = Set.copyOf(plainHttpRegistries);
        }

        Settings(Path dataDir, String host, int basePort, Path identityConfig) {
            this(dataDir, host, basePort, identityConfig, Set.of());
        }

        int port(int offset) {
            return basePort == 0 ? 0 : basePort + offset;
        }
    }

    private static final String OPERATOR = "sigstack";
    /** SHA-256 of "hello\n", the example artifact's content: the example statement's subject. */
    private static final String HELLO_SHA256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    private final Settings settings;
    private final List<AutoCloseable> running = new ArrayList<>();
    private TlogServer rekorV1;
    private TlogServer rekorV2;
    private TlogServer ctLog;
    private CaServer ca;
    private CaFrontPort caFront;
    private TufRepoServer tuf;
    private Path tufRepo;
    private StandaloneGate gate;

    private Stack(Settings settings) {
        this.settings = settings;
    }

    static Stack start(Settings s) throws Exception {
        Stack stack = new Stack(s);
        try {
            stack.startServices();
            stack.writeStackJson();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startServices() throws Exception {
        Path data = settings.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        keep(lockDataDirectory(data));
        // The logs' note signer name (v1 origin "<name> - <treeID>", v2 origin "<name>") must occur in the log's
        // base URL: sigstore-js accepts a checkpoint signature only from the trusted-root tlog whose baseUrl
        // matches the signer name (as rekor.sigstore.dev in https://rekor.sigstore.dev), so it is the URL's host.
        String hostname = settings.host();
        TlogServer.Config logs = TlogServer.Config.defaults(data.resolve("tlog"))
                .withHostname(hostname).withHost(settings.host());

        rekorV1 = keep(TlogServer.start(logs.withApi(TlogServer.Api.REKOR_V1).withPort(settings.port(0))
                .withKeyFile(data.resolve("tlog/rekor-v1-key.pem")), null));
        rekorV2 = keep(TlogServer.start(logs.withApi(TlogServer.Api.REKOR_V2).withPort(settings.port(1))
                .withKeyFile(data.resolve("tlog/rekor-v2-key.pem")), null));

        // The CA needs its CT log's URL, and the CT log needs the CA's root: the CA gets a client that
        // reaches the CT log once the CT log is up (it submits only when it issues).
        DeferredCtClient ctClient = new DeferredCtClient();
        CaConfig.Builder caConfig = CaConfig.builder(data.resolve("ca")).host(settings.host())
                .httpPort(settings.port(5)).grpcPort(settings.port(6)).devIssuer(true).ctLogClient(ctClient);
        if (settings.identityConfig() != null) {
            caConfig.identityConfig(settings.identityConfig());
        }
        ca = keep(CaServer.start(caConfig.build()));
        // The URL clients get for the CA: REST in plaintext and gRPC over TLS on one port, as upstream Fulcio.
        caFront = keep(listening("the CA's front port", settings.port(7),
                () -> CaFrontPort.start(settings.host(), settings.port(7), ca.httpPort(), ca.grpcPort())));
        List<X509Certificate> chain = ca.chain();
        ctLog = keep(TlogServer.start(logs.withCtRoots(List.of(chain.get(chain.size() - 1)))
                .withApi(TlogServer.Api.CT).withPort(settings.port(2)).withKeyFile(data.resolve("tlog/ct-key.pem")),
                null));
        ctClient.delegate = new HttpCtLogClient(URI.create(url(ctLog.port())));

        tufRepo = data.resolve("tuf/repository");
        publishTrustRoot(data.resolve("tuf/keys"));
        tuf = keep(listening("the TUF mirror", settings.port(8),
                () -> TufRepoServer.start(tufRepo, new java.net.InetSocketAddress(settings.host(), settings.port(8)))));

        // The admission gate trusts what the TUF repository publishes, as a cluster's gate would.
        gate = keep(StandaloneGate.start(data.resolve("gate"), settings.host(), settings.port(9),
                new StandaloneGate.Trust(tufRepo, URI.create(tufUrl() + "/"), caUrl(), url(rekorV1.port()), issuerUrl()),
                settings.plainHttpRegistries()));
    }

    /** The stack's trust material as this run's keys and URLs describe it. */
    StackDescription description() {
        StackDescription.Window since = new StackDescription.Window(Instant.parse("2025-01-01T00:00:00Z"), null);
        String caUrl = caUrl();
        return new StackDescription(
                List.of(new StackDescription.CertificateAuthority(caUrl, ca.chain(), null)),
                List.of(new StackDescription.TransparencyLog(url(rekorV1.port()), rekorV1.publicKey(), since, null),
                        new StackDescription.TransparencyLog(url(rekorV2.port()), rekorV2.publicKey(), since,
                                RekorV2Entries.logId(rekorV2.engine().origin(), rekorV2.publicKey()))),
                List.of(new StackDescription.TransparencyLog(url(ctLog.port()), ctLog.publicKey(), since, null)),
                List.of(new StackDescription.CertificateAuthority(caUrl + "/api/v1/timestamp",
                        ca.timestampAuthority().chain(), null)),
                List.of(new StackDescription.ServiceUrl(caUrl, 1, since, OPERATOR)),
                List.of(new StackDescription.ServiceUrl(ca.devIssuerUrl(), 1, since, OPERATOR)),
                List.of(new StackDescription.ServiceUrl(url(rekorV1.port()), 1, since, OPERATOR),
                        new StackDescription.ServiceUrl(url(rekorV2.port()), 2, since, OPERATOR)),
                List.of(new StackDescription.ServiceUrl(caUrl + "/api/v1/timestamp", 1, since, OPERATOR)));
    }

    /**
     * Builds the TUF repository on first start (a development 1-of-1 root, all keys under the data directory),
     * and on later starts replaces changed targets and refreshes snapshot and timestamp.
     */
    private void publishTrustRoot(Path keyDir) throws Exception {
        Map<String, TufSigner> signers = new LinkedHashMap<>();
        for (String role : TufRepository.ROLES) {
            Path key = keyDir.resolve(role + ".pem");
            if (!Files.exists(key)) {
                Files.createDirectories(keyDir);
                DevStack.pemPrivate(key, DevStack.ec().getPrivate());
            }
            signers.put(role, Keys.signer(key.toString()));
        }
        Instant now = Instant.now();
        var targets = StackTargets.of(description(), now);
        List<TufSigner> all = List.copyOf(signers.values());
        if (!Files.exists(tufRepo.resolve("1.root.json"))) {
            Map<String, RoleSpec> roles = new LinkedHashMap<>();
            signers.forEach((role, signer) -> roles.put(role, new RoleSpec(List.of(signer.key()), 1)));
            TufRepository.init(tufRepo, roles, targets, all, Expiries.DEFAULT, now);
        } else {
            TufRepository repo = TufRepository.open(tufRepo);
            repo.putTargets(targets, Set.of(), all, Expiries.DEFAULT, now);
        }
    }

    /** A server this class binds itself: a taken port is said as the Helidon services say it. */
    private <T> T listening(String what, int port, java.util.concurrent.Callable<T> start) throws Exception {
        try {
            return start.call();
        } catch (java.net.BindException e) {
            throw new IllegalStateException(what + " cannot listen on " + settings.host() + ":" + port
                    + " (address in use?)", e);
        }
    }

    /**
     * One stack per data directory: its H2 files, keys and TUF repository are not shared. The lock is the OS's
     * (released when the process ends, even by SIGKILL), on {@code .lock} in the data directory.
     */
    static AutoCloseable lockDataDirectory(Path data) throws IOException {
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(data.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot lock the data directory " + data + " (" + e.getMessage()
                    + "): it must be on a file system with locks", e);
        }
        if (lock == null) {
            channel.close();
            throw new DataDirectoryInUseException("the data directory " + data + " is in use by another sigstack run:"
                    + " stop that one, or give this one another --data-dir (and --base-port, or --base-port 0)");
        }
        return channel; // closing the channel releases the lock
    }

    /** Another running stack holds the data directory. */
    static final class DataDirectoryInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        DataDirectoryInUseException(String message) {
            super(message);
        }
    }

    private <T extends AutoCloseable> T keep(T service) {
        running.add(service);
        return service;
    }

    private String url(int port) {
        return "http://" + settings.host() + ":" + port;
    }

    String tlogUrl() {
        return url(rekorV1.port());
    }

    String caUrl() {
        return url(caFront.port());
    }

    String tufUrl() {
        return tuf.url().toString().replaceAll("/$", "");
    }

    String issuerUrl() {
        return ca.devIssuerUrl();
    }

    String gateUrl() {
        return "https://" + settings.host() + ":" + gate.port();
    }

    StandaloneGate gate() {
        return gate;
    }

    Path initialRoot() {
        return tufRepo.resolve("1.root.json");
    }

    private void writeStackJson() throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode services = root.putObject("services");
        ObjectNode r1 = services.putObject("rekor");
        r1.put("url", url(rekorV1.port()));
        r1.put("api", "rekor-v1");
        r1.put("health", url(rekorV1.port()) + "/observe/health");
        ObjectNode r2 = services.putObject("rekorV2");
        r2.put("url", url(rekorV2.port()));
        r2.put("api", "rekor-v2");
        r2.put("checkpoint", url(rekorV2.port()) + "/checkpoint");
        ObjectNode ct = services.putObject("ctlog");
        ct.put("url", url(ctLog.port()));
        ObjectNode caNode = services.putObject("ca");
        caNode.put("url", caUrl());
        caNode.put("grpcPort", ca.grpcPort());
        caNode.put("restPort", ca.httpPort());
        if (ca.grpcTlsCertificate() != null) {
            // Clients of the gRPC endpoint (sigstore-java's signer) trust this certificate.
            Path pem = settings.dataDir().resolve("ca-grpc-tls.pem");
            Files.writeString(pem, dev.sigstack.core.pem.Pem.certificate(ca.grpcTlsCertificate()));
            caNode.put("grpcTlsCertificate", pem.toAbsolutePath().toString());
        }
        ObjectNode tsa = services.putObject("tsa");
        tsa.put("url", caUrl() + "/api/v1/timestamp");
        ObjectNode oidc = services.putObject("oidc");
        oidc.put("issuer", issuerUrl());
        oidc.put("tokenEndpoint", issuerUrl() + "/token");
        ObjectNode tufNode = services.putObject("tuf");
        tufNode.put("mirror", tufUrl());
        tufNode.put("root", initialRoot().toString());
        ObjectNode gateNode = services.putObject("gate");
        gateNode.put("url", gateUrl());
        gateNode.put("validate", gateUrl() + "/validate");
        gateNode.put("mutate", gateUrl() + "/mutate");
        Path gateDir = settings.dataDir().toAbsolutePath().resolve("gate");
        gateNode.put("tlsCertificate", gateDir.resolve("tls.pem").toString());
        gateNode.put("trustRoot", gateDir.resolve("trustroot.yaml").toString());
        gateNode.put("policies", gate.policyDir().toAbsolutePath().toString());
        root.put("dataDir", settings.dataDir().toAbsolutePath().toString());
        Path out = settings.dataDir().resolve("stack.json");
        Path tmp = settings.dataDir().resolve("stack.json.tmp");
        json.writeValue(tmp.toFile(), root);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    String banner() {
        String file = "artifact.txt";
        return String.join("\n",
                "sigstack is running (data in " + settings.dataDir().toAbsolutePath() + ")",
                "  CA (Fulcio API)    " + caUrl() + "   (REST, and gRPC over TLS on the same port)",
                "  timestamps (TSA)   " + caUrl() + "/api/v1/timestamp",
                "  OIDC issuer (dev)  " + issuerUrl() + "   token: " + issuerUrl() + "/token?email=you@example.com",
                "  Rekor v1           " + url(rekorV1.port()),
                "  Rekor v2 (tiles)   " + url(rekorV2.port()),
                "  CT log             " + url(ctLog.port()),
                "  TUF mirror         " + tufUrl() + "   initial root: " + initialRoot(),
                "  admission gate     " + gateUrl() + "/validate   (AdmissionReview v1; policies in "
                        + gate.policyDir().toAbsolutePath() + ")",
                "  stack.json         " + settings.dataDir().toAbsolutePath().resolve("stack.json"),
                "  log                " + settings.dataDir().toAbsolutePath().resolve("sigstack.log")
                        + "   (--verbose prints it here too)",
                "",
                // @sigstore/cli has attest and verify (no sign command); in CI mode attest reads the token from
                // SIGSTORE_ID_TOKEN. 0.8.1 is the newest release that runs on Node 20.
                "Attest and verify with sigstore-js (npm i -g @sigstore/cli@0.8.1):",
                "  echo '{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"" + file
                        + "\",\"digest\":{\"sha256\":\"" + HELLO_SHA256 + "\"}}],"
                        + "\"predicateType\":\"https://sigstack.dev/example\",\"predicate\":{}}' > statement.json",
                "  export SIGSTORE_ID_TOKEN=$(curl -s '" + issuerUrl() + "/token?email=you@example.com' | sed 's/.*\"id_token\":\"\\([^\"]*\\)\".*/\\1/')",
                "  CI=true sigstore attest statement.json --fulcio-url " + caUrl() + " --rekor-url "
                        + url(rekorV1.port()) + " -o statement.sigstore.json",
                "  sigstore verify statement.sigstore.json --tuf-mirror-url " + tufUrl()
                        + " --tuf-root-path " + initialRoot() + " --tuf-cache-path \"$(mktemp -d)\""
                        + " --certificate-identity-email you@example.com --certificate-issuer " + issuerUrl(),
                "",
                "Stop with Ctrl-C; a restart keeps the logs, the keys and the TUF repository.");
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception ignored) {
                // stopping the rest anyway
            }
        }
    }

    /** A CT client whose target is set once the CT log has started. */
    private static final class DeferredCtClient implements CtLogClient {
        private volatile CtLogClient delegate;

        @Override
        public dev.sigstack.core.ct.Sct addPreChain(List<byte[]> chain) throws CtSubmissionException {
            CtLogClient d = delegate;
            if (d == null) {
                throw new CtSubmissionException("the CT log is not started yet");
            }
            return d.addPreChain(chain);
        }
    }
}
