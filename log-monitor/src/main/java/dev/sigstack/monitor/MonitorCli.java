package dev.sigstack.monitor;

import dev.sigstack.core.logging.Logs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.rekor.EntryUuid;
import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sigstack-monitor}: the log monitor ({@code run}) and the audit commands in the spirit of
 * {@code rekor-cli} ({@code get}, {@code search}, {@code audit}, {@code identities}). The audit commands read
 * the log itself, every bundle proven against a verified checkpoint; {@code search} and {@code identities} can
 * instead query a monitor's state directory ({@code --state}).
 */
@Command(name = "sigstack-monitor", mixinStandardHelpOptions = true, version = "sigstack log-monitor 0.1.0",
        description = "Monitors a sigstack transparency log and audits who signed into it.",
        subcommands = {MonitorCli.Run.class, MonitorCli.Get.class, MonitorCli.Search.class, MonitorCli.Audit.class,
            MonitorCli.Identities.class})
public final class MonitorCli {
    /** Exit code: the audit found entries the allowlist does not allow, or the run raised alerts. */
    static final int FOUND = 1;
    /** Exit code: the log misbehaved (bad checkpoint, fork, tampered entries). */
    static final int LOG_MISBEHAVED = 3;
    /** Exit code: the log could not be read. */
    static final int UNREACHABLE = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        Logs.configure();
        System.exit(execute(commandLine(), args));
    }

    /**
     * Runs the command and flushes its output: text reports end with {@code print}, which a PrintWriter over
     * System.out does not flush by itself, and System.exit would drop it.
     */
    static int execute(CommandLine cl, String... args) {
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return code;
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MonitorCli());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            if (e instanceof LogMisbehaviorException) {
                return LOG_MISBEHAVED;
            }
            if (e instanceof IOException) {
                return UNREACHABLE;
            }
            return 2;
        });
        return cl;
    }

    /** Which log, and how its checkpoints are verified. */
    static final class LogOptions {
        @Option(names = "--log-url", description = "The log's tlog-tiles base URL (serves /checkpoint).")
        URI url;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        KeyOptions key;

        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        @Option(names = "--log-name", description = "The checkpoint key name (default: the name on the checkpoint's "
                + "signature by --log-key, else the URL's host).")
        String name;

        @Option(names = "--origin", description = "The checkpoint origin line (default: the key name, or Rekor's "
                + "'<key name> - <tree ID>' when the log's checkpoint has that form).")
        String origin;

        @Option(names = "--tree-id", description = "The log's tree ID, for 80-hex entry UUIDs (Rekor's treeID).")
        Long treeId;

        @Option(names = "--ca-cert", description = "PEM CA certificate(s) to trust for https:// (the log and the "
                + "webhook), instead of the JDK's default trust store.")
        Path caCert;

        private javax.net.ssl.SSLContext tls;

        /** The TLS trust for the log and the webhook: {@code --ca-cert}, else the JDK default. */
        javax.net.ssl.SSLContext tls() throws IOException, java.security.GeneralSecurityException {
            if (tls == null) {
                tls = caCert == null ? javax.net.ssl.SSLContext.getDefault() : Tls.trusting(caCert);
            }
            return tls;
        }

        static final class KeyOptions {
            @Option(names = "--log-key", description = "The log's ECDSA public key (PEM), as sigstack and Rekor sign.")
            Path pem;

            @Option(names = "--note-key", description = "A signed-note verifier key <name>+<hash>+<key> (Ed25519).")
            String noteKey;
        }

        NoteVerifier verifier() throws IOException, ProposedEntryException.Malformed {
            if (url == null || key == null) {
                throw new CommandLine.ParameterException(mixee.commandLine(),
                        "this command needs --log-url and one of --log-key and --note-key");
            }
            if (key.noteKey != null) {
                return NoteKeys.verifier(key.noteKey);
            }
            PublicKey pub = PublicKeyMaterial.parsePem(Files.readAllBytes(key.pem)).publicKey();
            if (name == null) {
                name = signerNameOf(pub);
            }
            return NoteKeys.ecdsaVerifier(name, pub);
        }

        /**
         * The key name the log signs its checkpoints with: the name on the served checkpoint's signature line whose
         * key hash is this key's (the signature itself is verified later); else the URL's host.
         */
        private String signerNameOf(PublicKey pub) throws IOException {
            int hash = NoteKeys.ecdsaKeyHash(pub);
            try {
                for (var sig : dev.sigstack.core.note.SignedNote.parse(TileClient.of(url.toString(), tls()).checkpoint())
                        .signatures()) {
                    if (sig.keyHash() == hash) {
                        return sig.name();
                    }
                }
            } catch (dev.sigstack.core.note.NoteFormatException | java.security.GeneralSecurityException e) {
                // fall through: the checkpoint is checked properly later, with a precise error
            }
            return url.getHost();
        }

        OptionalLong tree() throws Exception {
            return treeId != null ? OptionalLong.of(treeId) : MonitorService.treeIdOf(origin());
        }

        private String resolvedOrigin;

        /**
         * The expected origin: {@code --origin}, else the key name, or Rekor's {@code "<key name> - <tree ID>"} when
         * the log's current checkpoint starts with that (its signature is verified against the key all the same).
         */
        String origin() throws Exception {
            if (origin != null) {
                return origin;
            }
            if (resolvedOrigin == null) {
                String name = verifier().name();
                String note = TileClient.of(url.toString(), tls()).checkpoint();
                String first = note.contains("\n") ? note.substring(0, note.indexOf('\n')) : note;
                if (first.equals(name) || first.matches(java.util.regex.Pattern.quote(name) + " - [0-9]{1,19}")) {
                    resolvedOrigin = first;
                } else {
                    throw new LogMisbehaviorException(AlertType.BAD_CHECKPOINT, "the log's checkpoint origin '" + first
                            + "' is neither '" + name + "' nor '" + name + " - <tree ID>'; pass --origin if it is right");
                }
            }
            return resolvedOrigin;
        }

        TileClient client() throws IOException, ProposedEntryException.Malformed, java.security.GeneralSecurityException {
            verifier();
            return TileClient.of(url.toString(), tls());
        }

        /** The log's current checkpoint, verified. */
        VerifiedCheckpoint checkpoint(TileClient client) throws Exception {
            return new CheckpointVerifier(verifier(), origin()).verify(client.checkpoint());
        }
    }

    /** Where output goes, and in which form. */
    static final class OutputOptions {
        @Option(names = "--json", description = "Print JSON (one document) instead of text.")
        boolean json;
    }

    static Allowlist allowlist(Path file) throws AllowlistException {
        return file == null ? Allowlist.empty() : Allowlist.load(file);
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Tail the log: verify checkpoints, check every entry, raise alerts; serve metrics and the "
                    + "break-glass endpoint.")
    static final class Run implements Callable<Integer> {
        @Mixin
        LogOptions log = new LogOptions();

        @Option(names = "--state", required = true, description = "State directory (H2 database; created if absent).")
        Path state;

        @Option(names = "--allowlist", description = "Allowlist file (YAML or JSON).")
        Path allowlist;

        @Option(names = "--webhook", description = "POST each alert (JSON) to this URL.")
        URI webhook;

        @Option(names = "--webhook-token-file", description = "File holding a bearer token sent with each webhook POST.")
        Path webhookTokenFile;

        @Option(names = "--listen", defaultValue = "127.0.0.1:9464",
                description = "HOST:PORT for /metrics, /healthz and /v1/* (default ${DEFAULT-VALUE}); 'none' to disable.")
        String listen;

        @Option(names = "--poll", defaultValue = "10s", description = "Time between polls (default ${DEFAULT-VALUE}).")
        String poll;

        @Option(names = "--stall-after", description = "Alert when no new checkpoint arrives for this long (e.g. 30m).")
        String stallAfter;

        @Option(names = "--start-at-head", description = "On the first run, skip the existing history.")
        boolean startAtHead;

        @Option(names = "--break-glass-token-file", description = "File holding the bearer token that POST "
                + "/v1/break-glass requires.")
        Path tokenFile;

        @Option(names = "--once", description = "Poll once, deliver alerts, and exit (1 if the poll raised alerts).")
        boolean once;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String host = null;
            int port = 0;
            if (!listen.equals("none")) {
                int colon = listen.lastIndexOf(':');
                if (colon <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--listen must be HOST:PORT or none");
                }
                host = listen.substring(0, colon);
                port = Integer.parseInt(listen.substring(colon + 1));
            }
            String token = tokenFile == null ? null : Files.readString(tokenFile).strip();
            var settings = new LogMonitor.Settings(MonitorService.duration(poll),
                    stallAfter == null ? null : MonitorService.duration(stallAfter), startAtHead);
            NoteVerifier v = log.verifier();
            MonitorService s = MonitorService.open(new MonitorService.Config(log.url, v, log.origin(), log.tree(),
                    state, allowlist(allowlist), webhook, once ? null : host, port, token, settings), log.tls());
            CountDownLatch closed = new CountDownLatch(1);
            try {
                if (webhookTokenFile != null) {
                    s.dispatcher.webhookToken(Files.readString(webhookTokenFile).strip());
                }
                if (once) {
                    int before = s.store.alerts(null, Integer.MAX_VALUE).size();
                    LogMonitor.PollResult r = s.monitor.poll();
                    int raised = s.store.alerts(null, Integer.MAX_VALUE).size() - before;
                    spec.commandLine().getOut().printf("tree size %d, checked %d entries, %d alerts%n", r.treeSize(),
                            r.checked(), raised);
                    return raised > 0 ? FOUND : 0;
                }
                if (allowlist != null) {
                    s.watchAllowlist(allowlist, java.time.Duration.ofSeconds(5));
                }
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop.countDown();
                    try {
                        closed.await(30, java.util.concurrent.TimeUnit.SECONDS); // let the current batch commit
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                s.start();
                stop.await();
                return 0;
            } finally {
                s.close();
                closed.countDown();
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Show one entry with its decoded certificate (like rekor-cli get).")
    static final class Get implements Callable<Integer> {
        @Mixin
        LogOptions log = new LogOptions();

        @Mixin
        OutputOptions out = new OutputOptions();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--log-index", description = "The entry's log index.")
            Long index;

            @Option(names = "--uuid", description = "The entry's UUID (64 or 80 hex); found by scanning the log.")
            String uuid;
        }

        @Option(names = "--allowlist", description = "Also say whether each signer is allowed.")
        Path allowlist;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            TileClient client = log.client();
            VerifiedCheckpoint cp = log.checkpoint(client);
            long index;
            if (which.index != null) {
                index = which.index;
                if (index < 0 || index >= cp.size()) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "log index " + index + " is not in the log (size " + cp.size() + ")");
                }
            } else {
                byte[] leaf = EntryUuid.parse(which.uuid).leafHash();
                long[] found = {-1};
                LogScan.scan(client, cp, 0, cp.size(), (i, body) -> {
                    if (MessageDigest.isEqual(dev.sigstack.core.merkle.Rfc6962.leafHash(body), leaf)) {
                        found[0] = i;
                        return false;
                    }
                    return true;
                });
                if (found[0] < 0) {
                    spec.commandLine().getErr().println("no entry with UUID " + which.uuid);
                    return FOUND;
                }
                index = found[0];
            }
            byte[][] body = new byte[1][];
            LogScan.scan(client, cp, index, index + 1, (i, b) -> {
                body[0] = b;
                return false;
            });
            EntryChecker checker = new EntryChecker(new EntryDecoder(log.tree()), allowlist(allowlist));
            EntryChecker.Result r = checker.check(index, body[0]);
            PrintWriter w = spec.commandLine().getOut();
            if (out.json) {
                w.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entryJson(r, body[0], allowlist != null)));
            } else {
                w.print(entryText(r, allowlist != null));
            }
            return 0;
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Find entries by e-mail, subject, artifact digest or public key (like rekor-cli search).")
    static final class Search implements Callable<Integer> {
        @Mixin
        LogOptions log = new LogOptions();

        @Mixin
        OutputOptions out = new OutputOptions();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Criteria by;

        static final class Criteria {
            @Option(names = "--email", description = "The certificate's e-mail SAN (case-insensitive).")
            String email;

            @Option(names = "--subject", description = "The certificate's SAN, exactly (URI, e-mail or user!domain).")
            String subject;

            @Option(names = "--sha", description = "An artifact digest: sha256:<hex> (or bare hex).")
            String sha;

            @Option(names = "--artifact", description = "A file whose SHA-256 digest to search for.")
            Path artifact;

            @Option(names = "--public-key", description = "A PEM public key or certificate: entries signed by it.")
            Path publicKey;
        }

        @Option(names = "--state", description = "Query this monitor state directory's index instead of the log.")
        Path state;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String digest = null;
            if (by.sha != null) {
                digest = by.sha.toLowerCase(Locale.ROOT).contains(":") ? by.sha.toLowerCase(Locale.ROOT)
                        : "sha256:" + by.sha.toLowerCase(Locale.ROOT);
            } else if (by.artifact != null) {
                try (var in = Files.newInputStream(by.artifact)) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[65536];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                    digest = "sha256:" + HexFormat.of().formatHex(md.digest());
                }
            }
            PublicKeyMaterial key = by.publicKey == null ? null : PublicKeyMaterial.parsePem(Files.readAllBytes(by.publicKey));
            String keyId = key == null ? null
                    : "sha256:" + HexFormat.of().formatHex(EntryDecoder.sha256(key.canonicalPem()));
            List<ObjectNode> hits = new ArrayList<>();
            if (state != null) {
                try (MonitorStore store = MonitorStore.open(state)) {
                    List<MonitorStore.Hit> found = digest != null ? store.byArtifact(digest, 10_000)
                            : by.email != null ? store.byEmail(by.email, 10_000)
                            : by.subject != null ? store.bySubject(by.subject, 10_000) : store.byKey(keyId, 10_000);
                    for (MonitorStore.Hit h : found) {
                        ObjectNode o = JsonNodeFactory.instance.objectNode();
                        o.put("logIndex", h.index());
                        o.put("uuid", h.uuid());
                        o.put("kind", h.kind());
                        o.set("identity", h.identity());
                        hits.add(o);
                    }
                }
            } else {
                String d = digest;
                Predicate<DecodedEntry.Signer> signerMatch = s -> by.email != null
                        ? s.identity().subject() != null && s.identity().subject().equalsIgnoreCase(by.email)
                        : by.subject != null ? by.subject.equals(s.identity().subject())
                        : key != null && (keyId.equals(s.identity().keyId()) || (s.certificate() != null
                                && Arrays.equals(s.certificate().getPublicKey().getEncoded(), key.publicKey().getEncoded())));
                TileClient client = log.client();
                VerifiedCheckpoint cp = log.checkpoint(client);
                EntryDecoder decoder = new EntryDecoder(log.tree());
                LogScan.scan(client, cp, 0, cp.size(), (i, body) -> {
                    DecodedEntry e;
                    try {
                        e = decoder.decode(i, body);
                    } catch (MalformedEntryException ex) {
                        return true;
                    }
                    for (DecodedEntry.Signer s : e.signers()) {
                        if (d != null ? e.artifacts().contains(d) : signerMatch.test(s)) {
                            ObjectNode o = JsonNodeFactory.instance.objectNode();
                            o.put("logIndex", i);
                            o.put("uuid", e.uuid());
                            o.put("kind", e.kind());
                            o.set("identity", s.identity().toJson());
                            hits.add(o);
                        }
                    }
                    return true;
                });
            }
            PrintWriter w = spec.commandLine().getOut();
            if (out.json) {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                hits.forEach(a::add);
                w.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(a));
            } else {
                for (ObjectNode h : hits) {
                    w.printf("%d %s %s %s%n", h.get("logIndex").asLong(), h.get("uuid").asText(), h.get("kind").asText(),
                            who(h.get("identity")));
                }
            }
            return hits.isEmpty() ? FOUND : 0;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Check a range of the log (default: all of it) against the allowlist; exit 1 if any entry "
                    + "is not allowed or malformed.")
    static final class Audit implements Callable<Integer> {
        @Mixin
        LogOptions log = new LogOptions();

        @Mixin
        OutputOptions out = new OutputOptions();

        @Option(names = "--allowlist", required = true, description = "Allowlist file (YAML or JSON).")
        Path allowlist;

        @Option(names = "--from", defaultValue = "0", description = "First log index (default 0).")
        long from;

        @Option(names = "--to", description = "End log index, exclusive (default: the verified tree size).")
        Long to;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            TileClient client = log.client();
            VerifiedCheckpoint cp = log.checkpoint(client);
            long end = to == null ? cp.size() : to;
            if (end > cp.size() || from > end) {
                throw new CommandLine.ParameterException(spec.commandLine(), "range " + from + ".." + end
                        + " is not within the verified tree of size " + cp.size());
            }
            EntryChecker checker = new EntryChecker(new EntryDecoder(log.tree()), allowlist(allowlist));
            IdentityReport report = new IdentityReport();
            List<Alert> findings = new ArrayList<>();
            long[] count = {0};
            LogScan.scan(client, cp, from, end, (i, body) -> {
                EntryChecker.Result r = checker.check(i, body);
                r.entry().signers().forEach(s -> report.add(s.identity(), i, s.allowed()));
                findings.addAll(r.alerts());
                count[0]++;
                return true;
            });
            PrintWriter w = spec.commandLine().getOut();
            if (out.json) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("treeSize", cp.size());
                o.put("rootHash", cp.rootHex());
                o.put("from", from);
                o.put("to", end);
                o.put("checked", count[0]);
                ArrayNode f = o.putArray("findings");
                findings.forEach(a -> f.add(a.toJson()));
                o.set("identities", IdentityReport.toJson(report.rows()));
                w.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o));
            } else {
                w.printf("checked entries %d..%d of verified tree %d (root %s)%n", from, end - 1, cp.size(), cp.rootHex());
                for (Alert a : findings) {
                    w.printf("%-17s %d %s %s%n", a.type().label().toUpperCase(Locale.ROOT), a.logIndex(), a.uuid(),
                            a.message());
                }
                w.printf("%d findings%n%n", findings.size());
                w.print(IdentityReport.toText(report.rows()));
            }
            return findings.isEmpty() ? 0 : FOUND;
        }
    }

    @Command(name = "identities", mixinStandardHelpOptions = true,
            description = "Report every distinct (subject, issuer) pair with counts and first and last index.")
    static final class Identities implements Callable<Integer> {
        @Mixin
        LogOptions log = new LogOptions();

        @Mixin
        OutputOptions out = new OutputOptions();

        @Option(names = "--state", description = "Report from this monitor state directory's index instead of the log.")
        Path state;

        @Option(names = "--allowlist", description = "Mark pairs the allowlist does not allow (when reading the log).")
        Path allowlist;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<IdentityReport.Row> rows;
            if (state != null) {
                try (MonitorStore store = MonitorStore.open(state)) {
                    rows = store.identities();
                }
            } else {
                TileClient client = log.client();
                VerifiedCheckpoint cp = log.checkpoint(client);
                EntryChecker checker = new EntryChecker(new EntryDecoder(log.tree()), allowlist(allowlist));
                IdentityReport report = new IdentityReport();
                LogScan.scan(client, cp, 0, cp.size(), (i, body) -> {
                    checker.check(i, body).entry().signers().forEach(s -> report.add(s.identity(), i, s.allowed()));
                    return true;
                });
                rows = report.rows();
            }
            PrintWriter w = spec.commandLine().getOut();
            if (out.json) {
                w.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(IdentityReport.toJson(rows)));
            } else {
                w.print(IdentityReport.toText(rows));
            }
            return 0;
        }
    }

    private static String who(com.fasterxml.jackson.databind.JsonNode identity) {
        return identity.has("subject") ? identity.get("subject").asText() + " (issuer "
                + identity.path("issuer").asText("none") + ")" : "key " + identity.path("keyId").asText();
    }

    static ObjectNode entryJson(EntryChecker.Result r, byte[] body, boolean withAllowlist) throws IOException {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("logIndex", r.entry().index());
        o.put("uuid", r.entry().uuid());
        o.put("kind", r.entry().kind());
        if (r.decoded() != null) {
            o.put("apiVersion", r.decoded().apiVersion());
            ArrayNode a = o.putArray("artifacts");
            r.decoded().artifacts().forEach(a::add);
            ArrayNode signers = o.putArray("signers");
            for (int i = 0; i < r.decoded().signers().size(); i++) {
                DecodedEntry.Signer s = r.decoded().signers().get(i);
                ObjectNode so = signers.addObject();
                so.set("identity", s.identity().toJson());
                if (s.certificate() != null) {
                    so.set("certificate", certificateJson(s.certificate()));
                }
                if (s.problem() != null) {
                    so.put("problem", s.problem());
                }
                if (withAllowlist) {
                    so.put("allowed", r.entry().signers().get(i).allowed());
                }
            }
        }
        ArrayNode alerts = o.putArray("alerts");
        r.alerts().forEach(al -> alerts.add(al.message()));
        try {
            o.set("body", JSON.readTree(body));
        } catch (IOException e) {
            o.put("bodyBase64", java.util.Base64.getEncoder().encodeToString(body));
        }
        return o;
    }

    static ObjectNode certificateJson(X509Certificate c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("serialNumber", c.getSerialNumber().toString(16));
        o.put("issuer", c.getIssuerX500Principal().getName());
        o.put("notBefore", c.getNotBefore().toInstant().toString());
        o.put("notAfter", c.getNotAfter().toInstant().toString());
        o.put("publicKeyAlgorithm", c.getPublicKey().getAlgorithm());
        try {
            o.put("pem", PublicKeyMaterial.pem("CERTIFICATE", c.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate cannot be encoded", e);
        }
        return o;
    }

    static String entryText(EntryChecker.Result r, boolean withAllowlist) {
        StringBuilder sb = new StringBuilder();
        sb.append("LogIndex: ").append(r.entry().index()).append('\n');
        sb.append("UUID: ").append(r.entry().uuid()).append('\n');
        if (r.decoded() == null) {
            sb.append("Kind: (malformed)\n");
        } else {
            DecodedEntry d = r.decoded();
            sb.append("Kind: ").append(d.kind()).append(' ').append(d.apiVersion()).append('\n');
            d.artifacts().forEach(a -> sb.append("Artifact: ").append(a).append('\n'));
            for (int i = 0; i < d.signers().size(); i++) {
                DecodedEntry.Signer s = d.signers().get(i);
                SignerIdentity id = s.identity();
                sb.append("Signer ").append(i + 1).append(":\n");
                if (id.subject() != null) {
                    sb.append("  Subject: ").append(id.subject()).append('\n');
                    sb.append("  Issuer: ").append(Optional.ofNullable(id.issuer()).orElse("(none)")).append('\n');
                    sb.append("  Issuer (1.3.6.1.4.1.57264.1.1): ").append(Optional.ofNullable(id.issuerV1()).orElse("-"))
                            .append('\n');
                    sb.append("  Issuer (1.3.6.1.4.1.57264.1.8): ").append(Optional.ofNullable(id.issuerV2()).orElse("-"))
                            .append('\n');
                    id.ci().forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
                }
                sb.append("  Key ID: ").append(id.keyId()).append('\n');
                if (s.certificate() != null) {
                    X509Certificate c = s.certificate();
                    sb.append("  Certificate: serial ").append(c.getSerialNumber().toString(16)).append(", issued by ")
                            .append(c.getIssuerX500Principal().getName()).append(", valid ")
                            .append(c.getNotBefore().toInstant()).append(" to ").append(c.getNotAfter().toInstant())
                            .append('\n');
                }
                if (s.problem() != null) {
                    sb.append("  Problem: ").append(s.problem()).append('\n');
                }
                if (withAllowlist) {
                    sb.append("  Allowed: ").append(r.entry().signers().get(i).allowed() ? "yes" : "NO").append('\n');
                }
            }
        }
        r.alerts().forEach(a -> sb.append("Alert: ").append(a.message()).append('\n'));
        return sb.toString();
    }

}
