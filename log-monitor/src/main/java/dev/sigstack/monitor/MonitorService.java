package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The monitor as a service: the polling {@link LogMonitor} and an HTTP listener (JDK server) with
 * {@code GET /metrics} (Prometheus), {@code GET /healthz}, {@code POST /v1/break-glass} (the admission gate's
 * audit events), {@code GET /v1/alerts}, {@code GET /v1/search} and {@code GET /v1/identities}.
 */
final class MonitorService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MonitorService.class.getName());
    private static final int MAX_BODY = 64 * 1024;

    /**
     * @param logUrl the log's tlog-tiles base URL
     * @param logKey the log's checkpoint note verifier: for sigstack and Rekor, {@link #ecdsaKey} of the log's
     *     hostname and ECDSA P-256 key; for other tlog-tiles logs, {@code NoteKeys.verifier(vkey)}
     * @param origin the checkpoint origin line (defaults to the key name)
     * @param treeId the tree ID for 80-hex UUIDs; when absent, taken from a Rekor v1 origin
     *     {@code "<hostname> - <treeID>"}
     * @param stateDir where the H2 state lives
     * @param allowlist the allowlist
     * @param webhook where alerts are POSTed, or null
     * @param listenHost the HTTP listener's address (null: no listener)
     * @param listenPort its port (0: any)
     * @param breakGlassToken a bearer token {@code POST /v1/break-glass} requires, or null
     * @param settings poll interval and stall time
     */
    record Config(URI logUrl, NoteVerifier logKey, String origin, OptionalLong treeId, Path stateDir,
            Allowlist allowlist, URI webhook, String listenHost, int listenPort, String breakGlassToken,
            LogMonitor.Settings settings) {
        Config {
            origin = origin == null ? logKey.name() : origin;
            treeId = treeId == null || treeId.isEmpty() ? treeIdOf(origin) : treeId;
            allowlist = allowlist == null ? Allowlist.empty() : allowlist;
        }
    }

    final MonitorStore store;
    final MonitorMetrics metrics;
    final LogMonitor monitor;
    final EntryChecker checker;
    final AlertDispatcher dispatcher;
    private final BreakGlass breakGlass;
    private final HttpServer http;
    private final String breakGlassToken;

    private MonitorService(MonitorStore store, MonitorMetrics metrics, LogMonitor monitor, EntryChecker checker,
            AlertDispatcher dispatcher, BreakGlass breakGlass, HttpServer http, String breakGlassToken) {
        this.dispatcher = dispatcher;
        this.store = store;
        this.metrics = metrics;
        this.monitor = monitor;
        this.checker = checker;
        this.breakGlass = breakGlass;
        this.http = http;
        this.breakGlassToken = breakGlassToken;
    }

    /** Opens the state and the listener; polling starts with {@link #start()} (or runs by {@link LogMonitor#poll()}). */
    static MonitorService open(Config c) throws SQLException, IOException {
        try {
            return open(c, javax.net.ssl.SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /** Like {@link #open(Config)}, trusting {@code tls} for an https:// log and webhook. */
    static MonitorService open(Config c, javax.net.ssl.SSLContext tls) throws SQLException, IOException {
        MonitorStore store = MonitorStore.open(c.stateDir());
        try {
            MonitorMetrics metrics = new MonitorMetrics();
            metrics.nextIndex.set(store.position().size());
            store.checkpoint().ifPresent(cp -> metrics.verifiedTreeSize.set(cp.size()));
            AlertDispatcher dispatcher = new AlertDispatcher(store, metrics, c.webhook(), tls);
            EntryChecker checker = new EntryChecker(new EntryDecoder(c.treeId()), c.allowlist());
            LogMonitor monitor = new LogMonitor(TileClient.of(c.logUrl().toString(), tls),
                    new CheckpointVerifier(c.logKey(), c.origin()), checker, store,
                    dispatcher, metrics, c.settings(), Clock.systemUTC());
            BreakGlass bg = new BreakGlass(store, dispatcher);
            HttpServer http = null;
            if (c.listenHost() != null) {
                http = HttpServer.create(new InetSocketAddress(c.listenHost(), c.listenPort()), 0);
                http.setExecutor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "monitor-http");
                    t.setDaemon(true);
                    return t;
                }));
            }
            MonitorService s = new MonitorService(store, metrics, monitor, checker, dispatcher, bg, http,
                    c.breakGlassToken());
            if (http != null) {
                s.routes(http);
                http.start();
                LOG.info("log monitor listening on port " + http.getAddress().getPort());
            }
            return s;
        } catch (SQLException | IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The tree ID in a Rekor v1 checkpoint origin ({@code "rekor.example - 1193050959916656506"}), if any. */
    static OptionalLong treeIdOf(String origin) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(".+ - ([0-9]{1,19})").matcher(origin);
        if (m.matches()) {
            try {
                return OptionalLong.of(Long.parseLong(m.group(1)));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** The note verifier of a log that signs checkpoints as sigstack and Rekor do. */
    static NoteVerifier ecdsaKey(String hostname, PublicKey key) {
        return NoteKeys.ecdsaVerifier(hostname, key);
    }

    void start() {
        monitor.start();
    }

    private java.util.concurrent.ScheduledExecutorService watcher;
    private volatile java.nio.file.attribute.FileTime allowlistTime;

    /**
     * Re-reads {@code file} whenever its modification time changes (checked every {@code every}); the new
     * allowlist applies to entries checked from then on. An invalid file is logged and the previous allowlist
     * stays in force.
     */
    synchronized void watchAllowlist(Path file, Duration every) throws IOException {
        allowlistTime = java.nio.file.Files.getLastModifiedTime(file);
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "allowlist-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(() -> reloadIfChanged(file), every.toMillis(), every.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Reloads the allowlist if its file changed; true when a new allowlist took effect. */
    boolean reloadIfChanged(Path file) {
        try {
            java.nio.file.attribute.FileTime t = java.nio.file.Files.getLastModifiedTime(file);
            if (t.equals(allowlistTime)) {
                return false;
            }
            allowlistTime = t;
            checker.allowlist(Allowlist.load(file));
            LOG.info("allowlist " + file + " reloaded");
            return true;
        } catch (IOException | AllowlistException e) {
            LOG.severe("allowlist " + file + " was not reloaded, the previous one stays in force: " + e.getMessage());
            return false;
        }
    }

    int port() {
        return http.getAddress().getPort();
    }

    /** A handler's outcome: status, content type and body. */
    private record Reply(int status, String contentType, String body) {
        static Reply json(int status, Object node) {
            return new Reply(status, "application/json", node.toString());
        }
    }

    /** A request the client got wrong: answered 4xx with the message. */
    private static final class ClientError extends Exception {
        private final int status;

        ClientError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @FunctionalInterface
    private interface Handler {
        Reply handle(HttpExchange ex) throws Exception;
    }

    private void routes(HttpServer s) {
        route(s, "/metrics", "GET", ex -> new Reply(200, "text/plain; version=0.0.4", metrics.render()));
        route(s, "/healthz", "GET", ex -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("nextIndex", metrics.nextIndex.get());
            o.put("verifiedTreeSize", metrics.verifiedTreeSize.get());
            o.put("entriesChecked", metrics.entriesChecked.sum());
            return Reply.json(200, o);
        });
        route(s, "/v1/break-glass", "POST", ex -> {
            if (breakGlassToken != null) {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                byte[] want = ("Bearer " + breakGlassToken).getBytes(StandardCharsets.UTF_8);
                if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), want)) {
                    throw new ClientError(401, "break-glass events need the configured bearer token");
                }
            }
            try {
                return Reply.json(202, breakGlass.accept(body(ex)));
            } catch (BreakGlass.BadEventException e) {
                throw new ClientError(400, e.getMessage());
            }
        });
        route(s, "/v1/alerts", "GET", ex -> {
            Map<String, String> q = query(ex);
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            store.alerts(q.get("type"), limit(q)).forEach(a::add);
            return Reply.json(200, a);
        });
        route(s, "/v1/search", "GET", ex -> {
            Map<String, String> q = query(ex);
            List<MonitorStore.Hit> hits;
            if (q.containsKey("artifact")) {
                hits = store.byArtifact(q.get("artifact").toLowerCase(Locale.ROOT), limit(q));
            } else if (q.containsKey("subject")) {
                hits = store.bySubject(q.get("subject"), limit(q));
            } else if (q.containsKey("email")) {
                hits = store.byEmail(q.get("email"), limit(q));
            } else if (q.containsKey("keyId")) {
                hits = store.byKey(q.get("keyId").toLowerCase(Locale.ROOT), limit(q));
            } else {
                throw new ClientError(400, "search needs one of artifact, subject, email, keyId");
            }
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (MonitorStore.Hit h : hits) {
                ObjectNode o = a.addObject();
                o.put("logIndex", h.index());
                o.put("uuid", h.uuid());
                o.put("kind", h.kind());
                o.put("allowed", h.allowed());
                o.set("identity", h.identity());
            }
            return Reply.json(200, a);
        });
        route(s, "/v1/identities", "GET", ex -> Reply.json(200, IdentityReport.toJson(store.identities())));
    }

    private void route(HttpServer s, String path, String method, Handler h) {
        s.createContext(path, ex -> {
            Reply r;
            try {
                if (!ex.getRequestURI().getPath().equals(path)) {
                    throw new ClientError(404, "no such path: " + ex.getRequestURI().getPath());
                }
                if (!ex.getRequestMethod().equals(method)) {
                    throw new ClientError(405, path + " accepts " + method + " only");
                }
                r = h.handle(ex);
            } catch (ClientError e) {
                r = Reply.json(e.status, error(e.status, e.getMessage()));
            } catch (Exception e) {
                LOG.log(Level.SEVERE, "request " + path + " failed", e);
                r = Reply.json(500, error(500, "internal error"));
            }
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", r.contentType());
            ex.sendResponseHeaders(r.status(), out.length);
            try (var os = ex.getResponseBody()) {
                os.write(out);
            }
        });
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("code", code);
        o.put("message", message);
        return o;
    }

    private static byte[] body(HttpExchange ex) throws IOException, ClientError {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new ClientError(413, "request body is larger than " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) {
            return out;
        }
        for (String p : q.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static int limit(Map<String, String> q) throws ClientError {
        String l = q.getOrDefault("limit", "100");
        if (!l.matches("[1-9][0-9]{0,3}")) {
            throw new ClientError(400, "limit must be 1..9999");
        }
        return Integer.parseInt(l);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (watcher != null) {
                watcher.shutdownNow();
            }
        }
        monitor.close();
        if (http != null) {
            http.stop(0);
        }
        store.close();
    }

    /** Parses a duration like {@code 30s}, {@code 15m}, {@code 2h} or ISO-8601 {@code PT30S}. */
    static Duration duration(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.matches("[0-9]+(ms|s|m|h)")) {
            long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
            return switch (t.replaceAll("^[0-9]+", "")) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(s.strip().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: '" + s + "' (use 30s, 15m, 2h or PT30S)");
        }
    }
}
