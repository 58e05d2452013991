package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.tlog.TlogServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor on a Rekor v2 log: entries posted to {@code POST /api/v2/log/entries} as sigstore clients do. */
final class RekorV2MonitorTest {
    @TempDir
    Path tmp;

    static String post(String base, TestLog.Id id, byte[] digest) throws Exception {
        KeyPair kp = TestLog.p256();
        byte[] der = TestLog.certificate(kp, id).getEncoded();
        Signature s = Signature.getInstance("NONEwithECDSA");
        s.initSign(kp.getPrivate());
        s.update(digest);
        String json = "{\"hashedRekordRequestV002\":{\"digest\":\"" + Base64.getEncoder().encodeToString(digest)
                + "\",\"signature\":{\"content\":\"" + Base64.getEncoder().encodeToString(s.sign())
                + "\",\"verifier\":{\"x509Certificate\":{\"rawBytes\":\"" + Base64.getEncoder().encodeToString(der)
                + "\"},\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\"}}}}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v2/log/entries"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return r.body();
    }

    @Test
    void poll_rekorV2Entries_decodesIdentitiesAndAlertsOnOffList() throws Exception {
        try (TlogServer server = TlogServer.start(TlogServer.Config.defaults(tmp.resolve("log")).withHostname(TestLog.HOST)
                .withApi(TlogServer.Api.REKOR_V2), null);
                MonitorService m = MonitorService.open(new MonitorService.Config(
                        URI.create("http://127.0.0.1:" + server.port()), MonitorService.ecdsaKey(TestLog.HOST, server.publicKey()),
                        null, null, tmp.resolve("state"),
                        Allowlist.parse("identities:\n  - issuer: https://dex.internal\n    subject: release@example.com\n"),
                        null, null, 0, null, new LogMonitor.Settings(Duration.ofSeconds(1), null)))) {
            String base = "http://127.0.0.1:" + server.port();
            byte[] digest = new byte[32];
            new SecureRandom().nextBytes(digest);
            post(base, new TestLog.Id("release@example.com", "https://dex.internal"), digest);
            post(base, new TestLog.Id("mallory@example.com", "https://dex.internal"), TestLog.sha256(digest));
            assertEquals(2, m.monitor.poll().checked());
            List<ObjectNode> alerts = m.store.alerts(null, 10);
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals("unlisted_identity", alerts.get(0).get("type").asText());
            assertEquals(1, alerts.get(0).get("logIndex").asLong());
            assertEquals("mallory@example.com", alerts.get(0).at("/identity/subject").asText());
            assertEquals(1, m.store.byArtifact("sha256:" + HexFormat.of().formatHex(digest), 10).size());
        }
    }
}
