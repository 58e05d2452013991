package dev.sigstack.tlog;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.NoteSigner;
import dev.sigstack.tlog.internal.Engines;
import dev.sigstack.tlog.ct.CtLog;
import dev.sigstack.tlog.ct.CtLogService;
import dev.sigstack.tlog.internal.KeyFiles;
import dev.sigstack.tlog.internal.RequestBodies;
import dev.sigstack.tlog.rekor.RekorLimits;
import dev.sigstack.tlog.rekor.RekorV1Service;
import dev.sigstack.tlog.rekor.RekorV2Service;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.sql.SQLException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The transparency log service: the log engine on its store, the tlog-tiles read API, health and metrics.
 * The launcher embeds it; {@link Main} runs it alone.
 */
public final class TlogServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TlogServer.class.getName());

    /** Which API a log serves besides the tlog-tiles read API. */
    public enum Api {
        /** Only the tlog-tiles read API (writes come through the Java API). */
        TILES_ONLY,
        /** Rekor v1: checkpoint origin {@code "<hostname> - <treeID>"}, signed as {@code <hostname>}. */
        REKOR_V1,
        /** Rekor v2 (rekor-tiles): checkpoint origin and signer name are the hostname. */
        REKOR_V2,
        /** An RFC 6962 certificate-transparency log; stored under {@code "<hostname>/ct"}. */
        CT
    }

    /**
     * Settings with defaults in {@link #defaults(Path)}.
     *
     * @param hostname the log's checkpoint signer name (a hostname, no port, no scheme)
     * @param jdbcUrl H2 ({@code jdbc:h2:file:...}) or PostgreSQL ({@code jdbc:postgresql://...})
     * @param keyFile the ECDSA P-256 log key (PEM), created when absent
     * @param host the address to bind
     * @param port the port to bind (0: any free port)
     * @param selfUrl the URL other replicas forward writes to while this one holds the lease
     * @param tls TLS for the listener, or null for plain HTTP
     * @param api the write/read API this log serves
     * @param ctRoots for {@link Api#CT}: the CA certificates whose chains the CT log accepts
     * @param witnessKeys cosignature/v1 verifier keys ({@code name+hash+base64}) of the witnesses whose
     *     cosignatures the log accepts and serves
     * @param leaseTtl on PostgreSQL, how long the sequencing lease outlives its holder's last renewal: a standby
     *     takes over within about this long when the holder is frozen or cut off (default 20 s, at least 2 s)
     */
    public record Config(String hostname, String jdbcUrl, Path keyFile, String host, int port, String selfUrl, Tls tls,
            int poolSize, Api api, List<X509Certificate> ctRoots, List<String> witnessKeys, Duration leaseTtl) {
        public Config {
            leaseTtl = leaseTtl == null ? Engines.defaultLeaseTtl() : leaseTtl;
            if (hostname == null || hostname.isBlank() || hostname.contains(":") || hostname.contains("/")) {
                throw new IllegalArgumentException("tlog hostname must be a bare hostname (no scheme, no port)");
            }
            api = api == null ? Api.TILES_ONLY : api;
            ctRoots = ctRoots == null ? List.of() : List.copyOf(ctRoots);
            witnessKeys = witnessKeys == null ? List.of() : List.copyOf(witnessKeys);
            if (api == Api.CT && ctRoots.isEmpty()) {
                throw new IllegalArgumentException("a CT log needs the CA roots whose chains it accepts");
            }
        }

        public static Config defaults(Path dataDir) {
            return new Config("localhost", "jdbc:h2:file:" + dataDir.resolve("tlog").toAbsolutePath(),
                    dataDir.resolve("tlog-key.pem"), "127.0.0.1", 0, null, null, 16, Api.TILES_ONLY, null, null, null);
        }

        public Config withPort(int p) {
            return new Config(hostname, jdbcUrl, keyFile, host, p, selfUrl, tls, poolSize, api, ctRoots, witnessKeys,
                    leaseTtl);
        }

        public Config withHost(String h) {
            return new Config(hostname, jdbcUrl, keyFile, h, port, selfUrl, tls, poolSize, api, ctRoots, witnessKeys,
                    leaseTtl);
        }

        public Config withHostname(String h) {
            return new Config(h, jdbcUrl, keyFile, host, port, selfUrl, tls, poolSize, api, ctRoots, witnessKeys,
                    leaseTtl);
        }

        public Config withJdbcUrl(String u) {
            return new Config(hostname, u, keyFile, host, port, selfUrl, tls, poolSize, api, ctRoots, witnessKeys,
                    leaseTtl);
        }

        public Config withSelfUrl(String u) {
            return new Config(hostname, jdbcUrl, keyFile, host, port, u, tls, poolSize, api, ctRoots, witnessKeys,
                    leaseTtl);
        }

        public Config withTls(Tls t) {
            return new Config(hostname, jdbcUrl, keyFile, host, port, selfUrl, t, poolSize, api, ctRoots,
                    witnessKeys, leaseTtl);
        }

        public Config withKeyFile(Path k) {
            return new Config(hostname, jdbcUrl, k, host, port, selfUrl, tls, poolSize, api, ctRoots, witnessKeys,
                    leaseTtl);
        }

        public Config withApi(Api a) {
            return new Config(hostname, jdbcUrl, keyFile, host, port, selfUrl, tls, poolSize, a, ctRoots,
                    witnessKeys, leaseTtl);
        }

        public Config withWitnessKeys(List<String> keys) {
            return new Config(hostname, jdbcUrl, keyFile, host, port, selfUrl, tls, poolSize, api, ctRoots, keys,
                    leaseTtl);
        }

        public Config withLeaseTtl(Duration ttl) {
            return new Config(hostname, jdbcUrl, keyFile, host, port, selfUrl, tls, poolSize, api, ctRoots, witnessKeys,
                    ttl);
        }

        public Config withCtRoots(List<X509Certificate> roots) {
            return new Config(hostname, jdbcUrl, keyFile, host, port, selfUrl, tls, poolSize, api, roots,
                    witnessKeys, leaseTtl);
        }
    }

    /**
     * The Rekor v1 tree ID: derived from the log key (the first 8 bytes of SHA-256 over its DER encoding, made
     * positive), so it is stable across restarts and different for every log key.
     */
    public static long treeId(PublicKey logKey) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(logKey.getEncoded());
            return java.nio.ByteBuffer.wrap(h).getLong() & Long.MAX_VALUE;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checkpoint origin (and store key) of a log. */
    static String origin(Config config, PublicKey key) {
        return switch (config.api()) {
            case REKOR_V1 -> config.hostname() + " - " + treeId(key);
            case CT -> config.hostname() + "/ct";
            case REKOR_V2, TILES_ONLY -> config.hostname();
        };
    }

    private final Engines engines;
    private final Engines.Handle handle;
    private final KeyPair key;
    private final WebServer server;

    private TlogServer(Engines engines, Engines.Handle handle, KeyPair key, WebServer server) {
        this.engines = engines;
        this.handle = handle;
        this.key = key;
        this.server = server;
    }

    /**
     * Starts the service; extra routes (the Rekor APIs) are added by {@code extraRouting}. The log's state file
     * (what it acknowledged and published, docs/operations.md) is kept beside its key.
     */
    public static TlogServer start(Config config, RoutingExtension extraRouting)
            throws IOException, GeneralSecurityException, SQLException {
        return start(config, extraRouting, null);
    }

    /**
     * Starts the service, keeping the log's state file in {@code stateDir} (the data folder; null: beside the key,
     * which may sit on a read-only mount).
     *
     * @throws LogIntegrityException when the store holds less than the log published or acknowledged
     */
    public static TlogServer start(Config config, RoutingExtension extraRouting, Path stateDir)
            throws IOException, GeneralSecurityException, SQLException {
        KeyPair key = KeyFiles.loadOrCreateEcdsa(config.keyFile());
        NoteSigner signer = NoteKeys.ecdsaSigner(config.hostname(), key.getPrivate(), key.getPublic());
        Engines engines = Engines.open(config.jdbcUrl(), config.poolSize(), config.selfUrl(),
                config.leaseTtl());
        try {
            Engines.Handle handle = engines.openLog(origin(config, key.getPublic()), signer, config.keyFile(),
                    stateDir);
            registerMetrics(handle);
            long maxBody = maxRequestBytes(config, extraRouting);
            var b = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    // counted over chunked bodies too; larger ones are refused before or while they are read
                    .maxPayloadSize(maxBody)
                    .directHandlers(RequestBodies.tooLargeAsJson(maxBody, limit -> tooLargeJson(config.api(), limit)))
                    .addFeature(ObserveFeature.builder()
                            .addObserver(HealthObserver.builder()
                                    .details(true) // treeSize and sequencer: which replica holds the lease
                                    .addCheck(() -> HealthCheckResponse.builder()
                                            .status(handle.engine().checkpoint() != null)
                                            .detail("treeSize", handle.engine().checkpoint().size())
                                            .detail("sequencer", handle.holdsLease())
                                            .build(), HealthCheckType.LIVENESS, "tlog") // named, not a lambda's class name
                                    .build())
                            .addObserver(MetricsObserver.create())
                            .build())
                    .routing(r -> routing(r, handle, key, witnesses(config), apiRouting(config, extraRouting),
                            maxBody));
            if (config.tls() != null) {
                b.tls(config.tls());
            }
            WebServer server = b.build().start();
            if (!server.isRunning()) { // Helidon logs a bind failure and returns a stopped server
                throw new IllegalStateException("tlog-service cannot listen on " + config.host() + ":" + config.port()
                        + " (address in use?)");
            }
            LOG.info("tlog-service for " + config.hostname() + " listening on port " + server.port());
            return new TlogServer(engines, handle, key, server);
        } catch (RuntimeException | SQLException e) {
            engines.close();
            throw e;
        }
    }

    /**
     * The server's body limit: the largest body an endpoint it serves accepts. Rekor v1 and v2 take
     * {@link RekorLimits#maxRequestBytes()} (and so does a server with extra routes, such as the Rekor APIs
     * registered by an embedder), the CT log {@link CtLogService#MAX_BODY}, a tiles-only log its cosignatures'
     * {@link CosignatureService#MAX_BODY}. Endpoints with smaller limits enforce them as they read.
     */
    static long maxRequestBytes(Config config, RoutingExtension extra) {
        return switch (config.api()) {
            case REKOR_V1, REKOR_V2 -> RekorLimits.DEFAULTS.maxRequestBytes();
            case CT -> extra == null ? CtLogService.MAX_BODY : RekorLimits.DEFAULTS.maxRequestBytes();
            case TILES_ONLY -> extra == null ? CosignatureService.MAX_BODY : RekorLimits.DEFAULTS.maxRequestBytes();
        };
    }

    /** A 413 in the error model of the server's API: grpc-gateway's for Rekor v2, Rekor's for the others. */
    private static String tooLargeJson(Api api, long limit) {
        if (api == Api.REKOR_V2) {
            return "{\"code\":8,\"message\":\"" + RequestBodies.message(limit) + "\",\"details\":[]}";
        }
        return RequestBodies.rekorError(limit);
    }

    private static RoutingExtension apiRouting(Config config, RoutingExtension extra) {
        return (routing, engine, key) -> {
            switch (config.api()) {
                case REKOR_V1 -> routing.register(
                        new RekorV1Service(engine, key, treeId(key.getPublic()), RekorLimits.DEFAULTS));
                case REKOR_V2 -> routing.register(new RekorV2Service(engine, key.getPublic(), RekorLimits.DEFAULTS));
                // RFC 6962 §4: every CT API path is under <log base URL>/ct/v1/ (the CA's client posts there)
                case CT -> routing.register(new CtLogService(
                        new CtLog(engine, key.getPrivate(), key.getPublic(), config.ctRoots(), Clock.systemUTC())));
                case TILES_ONLY -> { }
            }
            if (extra != null) {
                extra.extend(routing, engine, key);
            }
        };
    }

    /** Adds routes that need the engine and the log key, e.g. the Rekor v1 and v2 APIs. */
    @FunctionalInterface
    public interface RoutingExtension {
        void extend(HttpRouting.Builder routing, LogEngine engine, KeyPair logKey);
    }

    private static List<dev.sigstack.core.note.NoteVerifier> witnesses(Config config) {
        return config.witnessKeys().stream().map(NoteKeys::verifier).toList();
    }

    static void routing(HttpRouting.Builder r, Engines.Handle handle, KeyPair key,
            List<dev.sigstack.core.note.NoteVerifier> witnesses, RoutingExtension extra, long maxBody) {
        io.helidon.metrics.api.Timer latency = Metrics.globalRegistry().getOrCreate(
                io.helidon.metrics.api.Timer.builder("tlog_write_latency")
                        .description("time to answer a write (POST), including sequencing"));
        r.addFilter((chain, req, res) -> {
            if (!req.prologue().method().text().equals("POST")) {
                chain.proceed();
                return;
            }
            // Standbys serve reads; writes go to the process that holds the sequencing lease.
            if (!handle.holdsLease()) {
                forward(handle.leaseHolderUrl(), req, res, maxBody);
                return;
            }
            long start = System.nanoTime();
            try {
                chain.proceed();
            } finally {
                latency.record(java.time.Duration.ofNanos(System.nanoTime() - start));
            }
        });
        r.register(new TiledReadService(handle.engine()));
        r.register(new CosignatureService(handle, witnesses));
        if (extra != null) {
            extra.extend(r, handle.engine(), key);
        }
    }

    private static final HttpClient FORWARD = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The largest answer a standby relays from the holder (an entry with its proof is a few KiB). */
    static final int MAX_FORWARDED_ANSWER = 4 << 20;
    /** How long a standby waits for the holder's whole answer to a forwarded write, body included. */
    static final Duration FORWARD_DEADLINE = Duration.ofSeconds(30);

    /**
     * Relays a write to the holder of the lease. The body is read up to the server's limit (the holder enforces its
     * endpoint's own) and sent with its length; the holder's whole answer must arrive within
     * {@link #FORWARD_DEADLINE} and hold at most {@link #MAX_FORWARDED_ANSWER} bytes.
     */
    private static void forward(String holder, io.helidon.webserver.http.ServerRequest req,
            io.helidon.webserver.http.ServerResponse res, long maxBody) {
        if (holder == null || holder.isBlank()) {
            unavailable(res, "no replica holds the sequencing lease; retry");
            return;
        }
        byte[] body;
        try {
            body = RequestBodies.read(req, maxBody);
        } catch (RequestBodies.TooLargeException e) {
            res.status(Status.REQUEST_ENTITY_TOO_LARGE_413).header(io.helidon.http.HeaderValues.CONTENT_TYPE_JSON)
                    .send(RequestBodies.rekorError(maxBody));
            return;
        } catch (IOException e) {
            res.status(Status.BAD_REQUEST_400).header(io.helidon.http.HeaderValues.CONTENT_TYPE_JSON)
                    .send("{\"code\":400,\"message\":\"cannot read request body\"}");
            return;
        }
        try {
            String query = req.query().rawValue();
            URI target = URI.create(holder + req.path().rawPath() + (query.isEmpty() ? "" : "?" + query));
            HttpRequest.Builder fb = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            req.headers().contentType().ifPresent(ct -> fb.header("Content-Type", ct.text()));
            // HttpRequest.timeout ends with the answer's headers; the deadline here covers its body too
            java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> call =
                    FORWARD.sendAsync(fb.build(), info -> upTo(MAX_FORWARDED_ANSWER));
            HttpResponse<byte[]> answer;
            try {
                answer = call.get(FORWARD_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                call.cancel(true);
                unavailable(res, "the sequencing replica did not answer in time; retry");
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                while (cause != null && !(cause instanceof AnswerTooLarge)) {
                    cause = cause.getCause();
                }
                if (cause != null) {
                    LOG.warning("the sequencing replica answered a forwarded write with more than "
                            + MAX_FORWARDED_ANSWER + " bytes; not relayed");
                    unavailable(res, "the sequencing replica's answer is too large to relay; retry");
                    return;
                }
                throw new IOException(e.getCause());
            }
            byte[] answerBody = answer.body();
            res.status(Status.create(answer.statusCode()));
            answer.headers().map().forEach((name, values) -> {
                String n = name.toLowerCase(java.util.Locale.ROOT);
                if (!n.equals("content-length") && !n.equals("transfer-encoding") && !n.equals("connection")
                        && !n.startsWith(":")) {
                    res.header(name, values.toArray(String[]::new));
                }
            });
            res.send(answerBody);
        } catch (IOException e) {
            unavailable(res, "the sequencing replica is unreachable; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            res.status(Status.SERVICE_UNAVAILABLE_503).send();
        }
    }

    /** The holder's answer went over {@link #MAX_FORWARDED_ANSWER}. */
    private static final class AnswerTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        AnswerTooLarge() {
            super("answer over " + MAX_FORWARDED_ANSWER + " bytes");
        }
    }

    /**
     * A body subscriber that collects at most {@code limit} bytes and fails with {@link AnswerTooLarge} (cancelling
     * the transfer) beyond. Hand-written: {@code BodySubscribers.limiting} is JDK 25, and the project builds for
     * Java 21.
     */
    private static HttpResponse.BodySubscriber<byte[]> upTo(int limit) {
        return new HttpResponse.BodySubscriber<>() {
            private final java.util.concurrent.CompletableFuture<byte[]> body =
                    new java.util.concurrent.CompletableFuture<>();
            private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            private java.util.concurrent.Flow.Subscription subscription;

            @Override
            public java.util.concurrent.CompletionStage<byte[]> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<java.nio.ByteBuffer> items) {
                for (java.nio.ByteBuffer b : items) {
                    if (body.isDone()) {
                        return;
                    }
                    if (out.size() + (long) b.remaining() > limit) {
                        subscription.cancel();
                        body.completeExceptionally(new AnswerTooLarge());
                        return;
                    }
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    out.write(bytes, 0, bytes.length);
                }
            }

            @Override
            public void onError(Throwable t) {
                body.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                body.complete(out.toByteArray());
            }
        };
    }

    /**
     * Rekor's error model, labelled as JSON: go-openapi clients (rekor-cli, cosign) pick the consumer by Content-Type
     * and fail on the body of a text/plain one instead of reporting the 503.
     */
    private static void unavailable(io.helidon.webserver.http.ServerResponse res, String message) {
        res.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.RETRY_AFTER, "1")
                .header(io.helidon.http.HeaderValues.CONTENT_TYPE_JSON)
                .send("{\"code\":503,\"message\":\"" + message + "\"}");
    }

    private static void registerMetrics(Engines.Handle handle) {
        MeterRegistry registry = Metrics.globalRegistry();
        registry.getOrCreate(Gauge.builder("tlog_tree_size", () -> handle.engine().checkpoint().size())
                .description("published tree size"));
        registry.getOrCreate(Gauge.builder("tlog_sequencer", () -> handle.holdsLease() ? 1 : 0)
                .description("1 while this process holds the sequencing lease, else 0"));
        registry.getOrCreate(Gauge.builder("tlog_appends", handle::appendedSinceStart)
                .description("entries sequenced by this process since it started"));
        registry.getOrCreate(Gauge.builder("tlog_integration_lag", handle::integrationLag)
                .description("entries sequenced but not yet in a checkpoint"));
        registry.getOrCreate(Gauge.builder("tlog_sequencer_queue", handle::queued)
                .description("appends waiting for the sequencer"));
    }

    public int port() {
        return server.port();
    }

    public LogEngine engine() {
        return handle.engine();
    }

    public PublicKey publicKey() {
        return key.getPublic();
    }

    public boolean holdsLease() {
        return handle.holdsLease();
    }

    @Override
    public void close() {
        server.stop();
        engines.close();
    }
}
