package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor service's HTTP side: webhook delivery, metrics, search, identities and break-glass events. */
final class MonitorServiceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String ALLOW = "identities:\n  - issuer: https://dex.internal\n    subject: release@example.com\n";
    static final TestLog.Id RELEASE = new TestLog.Id("release@example.com", "https://dex.internal");

    @TempDir
    static Path tmp;
    static TestLog log;
    static HttpServer hook;
    static final List<JsonNode> received = new CopyOnWriteArrayList<>();
    static final AtomicInteger hookStatus = new AtomicInteger(200);
    static final List<String> authorizations = new CopyOnWriteArrayList<>();
    MonitorService m;
    String base;

    @BeforeAll
    static void start() throws Exception {
        log = TestLog.start(tmp.resolve("log"), null);
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            byte[] b = ex.getRequestBody().readAllBytes();
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            int status = hookStatus.get();
            if (status == 200) {
                received.add(JSON.readTree(b));
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        hook.start();
    }

    @AfterAll
    static void stop() {
        hook.stop(0);
        log.close();
    }

    @BeforeEach
    void open(org.junit.jupiter.api.TestInfo info) throws Exception {
        received.clear();
        hookStatus.set(200);
        m = MonitorService.open(new MonitorService.Config(URI.create(log.url()), log.verifier(), log.origin(), null, tmp.resolve(info.getTestMethod().orElseThrow().getName()), Allowlist.parse(ALLOW),
                URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"), "127.0.0.1", 0, "s3cret",
                new LogMonitor.Settings(Duration.ofMillis(100), null, true)));
        m.monitor.poll();
        base = "http://127.0.0.1:" + m.port();
    }

    @AfterEach
    void close() {
        m.close();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postBreakGlass(String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/break-glass"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void webhook_offListIdentity_receivesAlertWithDetails() throws Exception {
        List<java.util.logging.LogRecord> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        AlertDispatcher.ALERTS.addHandler(capture);
        TestLog.Appended bad;
        try {
            bad = log.append(new TestLog.Id("mallory@example.com", "https://dex.internal"));
            m.monitor.poll();
        } finally {
            AlertDispatcher.ALERTS.removeHandler(capture);
        }
        // the log line: one SEVERE record holding the alert JSON
        assertEquals(1, lines.size());
        assertEquals(java.util.logging.Level.SEVERE, lines.get(0).getLevel());
        JsonNode logged = JSON.readTree(lines.get(0).getMessage().substring("ALERT ".length()));
        assertEquals(bad.index(), logged.get("logIndex").asLong());
        assertEquals(bad.uuid(), logged.get("uuid").asText());
        assertEquals("mallory@example.com", logged.at("/identity/subject").asText());
        assertEquals(1, received.size(), received.toString());
        JsonNode a = received.get(0);
        assertEquals("unlisted_identity", a.get("type").asText());
        assertTrue(a.get("text").asText().startsWith("[HIGH] sigstack log monitor: entry "), a.toString());
        assertEquals(bad.index(), a.get("logIndex").asLong());
        assertEquals(bad.uuid(), a.get("uuid").asText());
        assertEquals("mallory@example.com", a.at("/identity/subject").asText());
    }

    @Test
    void webhook_withToken_sendsBearerAuthorization() throws Exception {
        authorizations.clear();
        m.dispatcher.webhookToken("hook-secret");
        log.append(new TestLog.Id("oscar@example.com", "https://dex.internal"));
        m.monitor.poll();
        assertEquals(List.of("Bearer hook-secret"), authorizations);
    }

    @Test
    void webhook_downThenUp_deliversEachAlertOnce() throws Exception {
        hookStatus.set(503);
        log.append(new TestLog.Id("eve@example.com", "https://dex.internal"));
        m.monitor.poll();
        assertEquals(0, received.size());
        assertTrue(m.metrics.webhookFailures.sum() >= 1);
        assertEquals(1, m.metrics.pendingWebhookAlerts.get());
        hookStatus.set(200);
        m.monitor.poll();
        m.monitor.poll();
        assertEquals(1, received.size());
        assertEquals("eve@example.com", received.get(0).at("/identity/subject").asText());
        assertEquals(0, m.metrics.pendingWebhookAlerts.get());
    }

    @Test
    void metrics_afterChecks_exposePrometheusText() throws Exception {
        log.append(RELEASE);
        log.append(new TestLog.Id("trudy@example.com", "https://dex.internal"));
        m.monitor.poll();
        HttpResponse<String> r = get(base + "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertTrue(r.body().contains("sigstack_monitor_entries_checked_total 2\n"), r.body());
        assertTrue(r.body().contains("sigstack_monitor_alerts_total{type=\"unlisted_identity\",severity=\"high\"} 1\n"),
                r.body());
        assertTrue(r.body().contains("sigstack_monitor_verified_tree_size " + log.server.engine().checkpoint().size()));
    }

    @Test
    void search_byArtifactSubjectAndKey_findsTheEntry() throws Exception {
        TestLog.Appended a = log.append(new TestLog.Id("finder@example.com", "https://dex.internal"));
        m.monitor.poll();
        JsonNode byArtifact = JSON.readTree(get(base + "/v1/search?artifact=" + a.digest()).body());
        assertEquals(1, byArtifact.size());
        assertEquals(a.index(), byArtifact.get(0).get("logIndex").asLong());
        String keyId = byArtifact.get(0).at("/identity/keyId").asText();
        JsonNode byEmail = JSON.readTree(get(base + "/v1/search?email=Finder@EXAMPLE.com").body());
        assertEquals(a.index(), byEmail.get(0).get("logIndex").asLong());
        JsonNode byKey = JSON.readTree(get(base + "/v1/search?keyId=" + URLEncoder.encode(keyId, StandardCharsets.UTF_8)).body());
        assertEquals(a.index(), byKey.get(0).get("logIndex").asLong());
        HttpResponse<String> none = get(base + "/v1/search");
        assertEquals(400, none.statusCode());
        assertTrue(none.body().contains("artifact, subject, email, keyId"));
    }

    @Test
    void identities_report_countsPairsWithFirstAndLastIndex() throws Exception {
        long first = log.append(RELEASE).index();
        log.append(new TestLog.Id("other@example.com", "https://dex.internal"));
        long last = log.append(RELEASE).index();
        m.monitor.poll();
        JsonNode rows = JSON.readTree(get(base + "/v1/identities").body());
        assertEquals(2, rows.size(), rows.toString());
        JsonNode release = rows.get(0);
        assertEquals("release@example.com", release.get("subject").asText());
        assertEquals("https://dex.internal", release.get("issuer").asText());
        assertEquals(2, release.get("count").asLong());
        assertEquals(first, release.get("firstIndex").asLong());
        assertEquals(last, release.get("lastIndex").asLong());
        assertTrue(release.get("allowed").asBoolean());
        assertFalse(rows.get(1).get("allowed").asBoolean());
    }

    @Test
    void breakGlass_signedAndUnsignedImages_alertShowsWhoSigned() throws Exception {
        String signedDigest = "sha256:" + "ab".repeat(32);
        String unsignedDigest = "sha256:" + "cd".repeat(32);
        String payload = BreakGlass.cosignPayloadDigest("registry.internal/team/app", signedDigest);
        TestLog.Appended sig = log.append(RELEASE, HexFormat.of().parseHex(payload.substring(7)));
        m.monitor.poll();
        String event = """
                {"kind":"BreakGlassAdmission","namespace":"incident","pod":"debug-7f9",
                 "user":"oncall@example.com","reason":"INC-42",
                 "images":["registry.internal/team/app:1.2@%s","registry.internal/team/tool@%s","busybox:latest"]}
                """.formatted(signedDigest, unsignedDigest);
        HttpResponse<String> r = postBreakGlass(event, "s3cret");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode alert = JSON.readTree(r.body());
        assertEquals("break_glass", alert.get("type").asText());
        JsonNode images = alert.at("/details/images");
        assertTrue(images.get(0).get("signed").asBoolean());
        assertEquals(sig.index(), images.get(0).at("/entries/0/logIndex").asLong());
        assertEquals("release@example.com", images.get(0).at("/entries/0/identity/subject").asText());
        assertEquals("cosign signature payload", images.get(0).at("/entries/0/matched").asText());
        assertFalse(images.get(1).get("signed").asBoolean());
        assertFalse(images.get(2).get("signed").asBoolean());
        assertTrue(images.get(2).get("note").asText().contains("not pinned"));
        assertTrue(alert.get("message").asText().contains("incident/debug-7f9"), alert.toString());
        assertTrue(alert.get("message").asText().contains("NOT signed"), alert.toString());
        // the same alert channel: the webhook, the outbox and the metric
        assertEquals(1, received.size());
        assertEquals("break_glass", received.get(0).get("type").asText());
        assertEquals(1, m.store.alerts("break_glass", 10).size());
        assertEquals(1, m.metrics.alerts(AlertType.BREAK_GLASS));
    }

    @Test
    void breakGlass_eventAsTheAdmissionGateSendsIt_isAccepted() throws Exception {
        String digest = "sha256:" + "ef".repeat(32);
        log.append(RELEASE, HexFormat.of().parseHex(digest.substring(7)));
        m.monitor.poll();
        // the body admission-gate's BreakGlassAudit posts
        String event = "{\"event\":\"break-glass-admission\",\"time\":\"2026-11-27T03:00:00Z\",\"namespace\":\"ops\","
                + "\"kind\":\"Pod\",\"name\":\"debug\",\"user\":\"system:serviceaccount:ops:deployer\","
                + "\"images\":[\"registry.internal/ops/toolbox@" + digest + "\"]}";
        HttpResponse<String> r = postBreakGlass(event, "s3cret");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode alert = JSON.readTree(r.body());
        assertTrue(alert.get("message").asText().startsWith("pod ops/debug admitted through break-glass"), r.body());
        assertTrue(alert.at("/details/images/0/signed").asBoolean(), r.body());
        assertEquals("image digest", alert.at("/details/images/0/entries/0/matched").asText());
        assertEquals("system:serviceaccount:ops:deployer", alert.at("/details/event/user").asText());
    }

    @Test
    void breakGlass_badRequests_areRefusedWithReasons() throws Exception {
        assertEquals(401, postBreakGlass("{\"images\":[\"a@sha256:" + "00".repeat(32) + "\"]}", null).statusCode());
        assertEquals(401, postBreakGlass("{\"images\":[\"a\"]}", "wrong").statusCode());
        HttpResponse<String> notJson = postBreakGlass("not json", "s3cret");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("not JSON"));
        HttpResponse<String> noImage = postBreakGlass("{\"namespace\":\"x\"}", "s3cret");
        assertEquals(400, noImage.statusCode());
        assertTrue(noImage.body().contains("names no image"));
        assertEquals(400, postBreakGlass("{\"images\":[42]}", "s3cret").statusCode());
        assertEquals(413, postBreakGlass("{\"x\":\"" + "a".repeat(70_000) + "\"}", "s3cret").statusCode());
        assertEquals(405, get(base + "/v1/break-glass").statusCode());
        assertEquals(0, m.store.alerts("break_glass", 10).size());
    }

    @Test
    void watchAllowlist_fileChanged_newRulesApplyToLaterEntries() throws Exception {
        Path file = tmp.resolve("watched-allowlist.yaml");
        java.nio.file.Files.writeString(file, ALLOW);
        m.watchAllowlist(file, Duration.ofSeconds(60)); // reloads driven by hand below
        log.append(new TestLog.Id("newhire@example.com", "https://dex.internal"));
        m.monitor.poll();
        assertEquals(1, m.store.alerts("unlisted_identity", 10).size());
        java.nio.file.Files.writeString(file, ALLOW + "  - issuer: https://dex.internal\n    subject: newhire@example.com\n");
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertTrue(m.reloadIfChanged(file));
        log.append(new TestLog.Id("newhire@example.com", "https://dex.internal"));
        m.monitor.poll();
        assertEquals(1, m.store.alerts("unlisted_identity", 10).size(), "the new rule allows the second entry");
        // a broken edit keeps the rules in force
        java.nio.file.Files.writeString(file, "identities: [");
        java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 4000));
        assertFalse(m.reloadIfChanged(file));
        log.append(new TestLog.Id("newhire@example.com", "https://dex.internal"));
        m.monitor.poll();
        assertEquals(1, m.store.alerts("unlisted_identity", 10).size());
    }

    @Test
    void start_inBackground_keepsUpWithAppends() throws Exception {
        m.start();
        long last = 0;
        for (int i = 0; i < 5; i++) {
            last = log.append(RELEASE).index();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (m.metrics.nextIndex.get() <= last && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(last + 1, m.metrics.nextIndex.get());
    }

    @Test
    void dockerReference_followsGoContainerRegistryDefaults() {
        assertEquals("index.docker.io/library/busybox", BreakGlass.dockerReference("busybox:1.36"));
        assertEquals("index.docker.io/library/busybox", BreakGlass.dockerReference("docker.io/busybox"));
        assertEquals("index.docker.io/org/app", BreakGlass.dockerReference("org/app"));
        assertEquals("localhost:5000/app", BreakGlass.dockerReference("localhost:5000/app:dev"));
        assertEquals("registry.internal/team/app", BreakGlass.dockerReference("registry.internal/team/app"));
    }
}
