package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.x509.FulcioOid;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor against a real tlog-service over real HTTP. */
final class LogMonitorTest {
    static final String ISSUER = "https://dex.internal";
    static final String CI_ISSUER = "https://ci.internal";
    static final String ALLOWLIST = """
            identities:
              - name: release manager
                issuer: https://dex.internal
                subject: release@example.com
              - name: org pipelines
                issuer: https://ci.internal
                subjectRegExp: https://git\\.internal/org/[^/]+/\\.ci/release\\.yml@refs/tags/v[0-9.]+
            """;

    @TempDir
    static Path tmp;
    static TestLog log;

    @BeforeAll
    static void startLog() throws Exception {
        log = TestLog.start(tmp.resolve("log"), null);
    }

    @AfterAll
    static void stopLog() {
        log.close();
    }

    static MonitorService open(String url, Path state, String allowlist, URI webhook, Duration stall) throws Exception {
        return MonitorService.open(new MonitorService.Config(URI.create(url), log.verifier(), log.origin(), null, state, Allowlist.parse(allowlist), webhook, "127.0.0.1", 0, null,
                new LogMonitor.Settings(Duration.ofMillis(200), stall, true)));
    }

    static List<ObjectNode> alerts(MonitorService m, AlertType t) throws SQLException {
        return m.store.alerts(t.label(), 1000);
    }

    /** Catches up with the log and returns the alerts of this catch-up only. */
    static List<ObjectNode> catchUp(MonitorService m, AlertType t) throws Exception {
        int before = alerts(m, t).size();
        m.monitor.poll();
        List<ObjectNode> all = alerts(m, t);
        return all.subList(before, all.size());
    }

    @Test
    void poll_allowedIdentities_raiseNoAlert() throws Exception {
        try (MonitorService m = open(log.url(), tmp.resolve("allowed"), ALLOWLIST, null, null)) {
            m.monitor.poll();
            log.append(new TestLog.Id("release@example.com", ISSUER));
            log.append(new TestLog.Id("https://git.internal/org/app/.ci/release.yml@refs/tags/v1.2.3", CI_ISSUER));
            assertEquals(List.of(), catchUp(m, AlertType.UNLISTED_IDENTITY));
            assertEquals(List.of(), alerts(m, AlertType.MALFORMED_ENTRY));
        }
    }

    @Test
    void poll_offListIdentity_raisesOneAlertWithIndexUuidAndIdentity() throws Exception {
        try (MonitorService m = open(log.url(), tmp.resolve("offlist"), ALLOWLIST, null, null)) {
            m.monitor.poll();
            TestLog.Appended ok = log.append(new TestLog.Id("release@example.com", ISSUER));
            TestLog.Appended bad = log.append(new TestLog.Id("mallory@example.com", ISSUER,
                    Map.of(FulcioOid.SOURCE_REPOSITORY_URI, "https://git.internal/org/app",
                            FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/evil",
                            FulcioOid.BUILD_CONFIG_URI, "https://git.internal/org/app/.ci/x.yml@refs/heads/evil")));
            List<ObjectNode> found = catchUp(m, AlertType.UNLISTED_IDENTITY);
            assertEquals(1, found.size(), found.toString());
            ObjectNode a = found.get(0);
            assertEquals(bad.index(), a.get("logIndex").asLong());
            // the same 80-hex UUID the Rekor API answered with: tree ID from the checkpoint origin, then leaf hash
            assertEquals(bad.uuid(), a.get("uuid").asText());
            assertEquals(80, bad.uuid().length());
            assertEquals("mallory@example.com", a.at("/identity/subject").asText());
            assertEquals(ISSUER, a.at("/identity/issuer").asText());
            assertEquals(ISSUER, a.at("/identity/issuerV1").asText());
            assertEquals(ISSUER, a.at("/identity/issuerV2").asText());
            assertEquals("https://git.internal/org/app", a.at("/identity/ci/sourceRepositoryUri").asText());
            assertEquals("refs/heads/evil", a.at("/identity/ci/sourceRepositoryRef").asText());
            assertEquals("high", a.get("severity").asText());
            assertTrue(ok.index() < bad.index());
            assertEquals(1, m.metrics.alerts(AlertType.UNLISTED_IDENTITY));
        }
    }

    @Test
    void poll_regexpAllowlist_matchesWholeValueOnly() throws Exception {
        try (MonitorService m = open(log.url(), tmp.resolve("regexp"), ALLOWLIST, null, null)) {
            m.monitor.poll();
            List<String> allowed = List.of(
                    "https://git.internal/org/app/.ci/release.yml@refs/tags/v1.0",
                    "https://git.internal/org/other/.ci/release.yml@refs/tags/v20.1.7");
            List<String> refused = List.of(
                    // a substring match would allow these; a whole-value match does not
                    "https://evil.example/?https://git.internal/org/app/.ci/release.yml@refs/tags/v1.0",
                    "https://git.internal/org/app/.ci/release.yml@refs/tags/v1.0-evil",
                    // [^/]+ is one path segment
                    "https://git.internal/org/a/b/.ci/release.yml@refs/tags/v1",
                    // the dot is escaped
                    "https://gitXinternal/org/app/.ci/release.yml@refs/tags/v1");
            for (String s : allowed) {
                log.append(new TestLog.Id(s, CI_ISSUER));
            }
            Set<Long> refusedIndices = new HashSet<>();
            for (String s : refused) {
                refusedIndices.add(log.append(new TestLog.Id(s, CI_ISSUER)).index());
            }
            // the right subject from the wrong issuer
            refusedIndices.add(log.append(new TestLog.Id(allowed.get(0), "https://ci.internal.evil")).index());
            List<ObjectNode> found = catchUp(m, AlertType.UNLISTED_IDENTITY);
            Set<Long> alerted = new HashSet<>();
            found.forEach(a -> alerted.add(a.get("logIndex").asLong()));
            assertEquals(refusedIndices, alerted);
        }
    }

    @Test
    void poll_scopedRule_allowsOnlyItsArtifacts() throws Exception {
        byte[] digest = TestLog.sha256("release-1.0.tar.gz".getBytes(StandardCharsets.UTF_8));
        String hex = java.util.HexFormat.of().formatHex(digest);
        String allow = """
                identities:
                  - name: hotfix signer
                    issuer: https://dex.internal
                    subject: hotfix@example.com
                    scope:
                      artifacts: [sha256:%s]
                """.formatted(hex);
        try (MonitorService m = open(log.url(), tmp.resolve("scoped"), allow, null, null)) {
            m.monitor.poll();
            log.append(new TestLog.Id("hotfix@example.com", ISSUER), digest);
            TestLog.Appended other = log.append(new TestLog.Id("hotfix@example.com", ISSUER));
            List<ObjectNode> found = catchUp(m, AlertType.UNLISTED_IDENTITY);
            assertEquals(1, found.size(), found.toString());
            assertEquals(other.index(), found.get(0).get("logIndex").asLong());
            assertTrue(found.get(0).get("message").asText().contains("only for artifacts"), found.toString());
        }
    }

    @Test
    void poll_dsseAndIntotoAttestations_areDecodedAndChecked() throws Exception {
        try (MonitorService m = open(log.url(), tmp.resolve("attestations"), ALLOWLIST, null, null)) {
            m.monitor.poll();
            byte[] statement = TestLog.statement("ab".repeat(32));
            TestLog.Appended dsseOk = log.appendDsse(new TestLog.Id("release@example.com", ISSUER), statement);
            TestLog.Appended dsseBad = log.appendDsse(new TestLog.Id("mallory@example.com", ISSUER), statement);
            TestLog.Appended intotoOk = log.appendIntoto(new TestLog.Id("release@example.com", ISSUER), statement);
            TestLog.Appended intotoBad = log.appendIntoto(new TestLog.Id("mallory@example.com", ISSUER), statement);
            List<ObjectNode> found = catchUp(m, AlertType.UNLISTED_IDENTITY);
            assertEquals(List.of(dsseBad.index(), intotoBad.index()),
                    found.stream().map(a -> a.get("logIndex").asLong()).toList(), found.toString());
            assertTrue(found.get(0).get("message").asText().contains("(dsse)"), found.toString());
            assertTrue(found.get(1).get("message").asText().contains("(intoto)"), found.toString());
            assertEquals(List.of(), alerts(m, AlertType.MALFORMED_ENTRY));
            String payloadDigest = "sha256:" + java.util.HexFormat.of().formatHex(TestLog.sha256(statement));
            assertEquals(4, m.store.byArtifact(payloadDigest, 10).size(), "dsse and intoto record the payload digest");
            assertTrue(dsseOk.index() < intotoOk.index());
        }
    }

    @Test
    void poll_bareKeyEntries_areCheckedByKeyId() throws Exception {
        var known = TestLog.p256();
        var unknown = TestLog.p256();
        String keyId = EntryDecoder.signer(dev.sigstack.core.rekor.PublicKeyMaterial
                .pem("PUBLIC KEY", known.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII)).identity().keyId();
        try (MonitorService m = open(log.url(), tmp.resolve("keys"), "keys:\n  - keyId: " + keyId + "\n", null, null)) {
            m.monitor.poll();
            log.appendWithKey(known);
            TestLog.Appended bad = log.appendWithKey(unknown);
            List<ObjectNode> found = catchUp(m, AlertType.UNLISTED_IDENTITY);
            assertEquals(1, found.size(), found.toString());
            assertEquals(bad.index(), found.get(0).get("logIndex").asLong());
            assertFalse(found.get(0).get("identity").has("subject"));
        }
    }

    @Test
    void poll_entryThatIsNotARekorBody_raisesMalformedEntry() throws Exception {
        try (MonitorService m = open(log.url(), tmp.resolve("malformed"), ALLOWLIST, null, null)) {
            m.monitor.poll();
            long index = log.appendRaw("{\"kind\":\"hashedrekord\",\"apiVersion\":\"0.0.1\",\"spec\":{}}"
                    .getBytes(StandardCharsets.UTF_8));
            List<ObjectNode> found = catchUp(m, AlertType.MALFORMED_ENTRY);
            assertEquals(1, found.size(), found.toString());
            assertEquals(index, found.get(0).get("logIndex").asLong());
            assertTrue(found.get(0).get("message").asText().contains("body lacks the object data"), found.toString());
        }
    }

    @Test
    void restart_afterInterruptedCatchUp_checksEveryEntryExactlyOnce() throws Exception {
        Path state = tmp.resolve("restart");
        try (TestLog own = TestLog.start(tmp.resolve("restart-log"), null);
                TamperingProxy proxy = new TamperingProxy(own.url())) {
            List<Long> offList = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            List<java.util.concurrent.Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                boolean bad = i % 50 == 7;
                String who = bad ? "intruder" + i + "@example.com" : "release@example.com";
                posts.add(pool.submit(() -> {
                    TestLog.Appended a = own.append(new TestLog.Id(who, ISSUER));
                    if (bad) {
                        offList.add(a.index());
                    }
                    return null;
                }));
            }
            for (var f : posts) {
                f.get();
            }
            pool.shutdown();
            java.util.Collections.sort(offList);
            // The first run reads bundle 0, then the log fails for bundle 1: the run stops after 256 entries.
            proxy.failing = p -> p.startsWith("/tile/entries/001");
            try (MonitorService m = MonitorService.open(new MonitorService.Config(URI.create(proxy.url()),
                    own.verifier(), own.origin(), null, state, Allowlist.parse(ALLOWLIST), null, null, 0,
                    null, new LogMonitor.Settings(Duration.ofSeconds(1), null)))) {
                LogMonitor.PollResult r = m.monitor.poll();
                assertEquals(300, r.treeSize());
                assertEquals(256, r.checked());
                assertEquals(256, m.store.entryCount());
            }
            proxy.failing = p -> false;
            for (int i = 300; i < 310; i++) {
                offList.add(own.append(new TestLog.Id("intruder" + i + "@example.com", ISSUER)).index());
            }
            try (MonitorService m = MonitorService.open(new MonitorService.Config(URI.create(proxy.url()),
                    own.verifier(), own.origin(), null, state, Allowlist.parse(ALLOWLIST), null, null, 0,
                    null, new LogMonitor.Settings(Duration.ofSeconds(1), null)))) {
                LogMonitor.PollResult r = m.monitor.poll();
                assertEquals(310, r.treeSize());
                assertEquals(310 - 256, r.checked());
                assertEquals(310, m.store.entryCount());
                List<Long> alerted = new ArrayList<>();
                alerts(m, AlertType.UNLISTED_IDENTITY).forEach(a -> alerted.add(a.get("logIndex").asLong()));
                assertEquals(offList, alerted); // each off-list entry once, in order: none twice, none skipped
                assertEquals(0, m.monitor.poll().checked());
            }
        }
    }
}
