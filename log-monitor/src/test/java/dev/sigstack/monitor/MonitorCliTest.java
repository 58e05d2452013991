package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.x509.FulcioOid;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli commands against a real log over HTTP. */
final class MonitorCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ISSUER = "https://dex.internal";

    @TempDir
    static Path tmp;
    static TestLog log;
    static Path keyFile;
    static Path allowFile;
    static TestLog.Appended release1;
    static TestLog.Appended intruder;
    static TestLog.Appended release2;
    static TestLog.Appended keyed;
    static KeyPair signingKey;

    /** A finished command: exit code and what it printed. */
    record Out(int code, String out, String err) { }

    @BeforeAll
    static void start() throws Exception {
        log = TestLog.start(tmp.resolve("log"), null);
        keyFile = tmp.resolve("log.pub");
        Files.writeString(keyFile, PublicKeyMaterial.pem("PUBLIC KEY", log.server.publicKey().getEncoded()));
        allowFile = tmp.resolve("allow.yaml");
        Files.writeString(allowFile, "identities:\n  - issuer: " + ISSUER + "\n    subject: release@example.com\n");
        release1 = log.append(new TestLog.Id("release@example.com", ISSUER,
                Map.of(FulcioOid.SOURCE_REPOSITORY_URI, "https://git.internal/org/app",
                        FulcioOid.SOURCE_REPOSITORY_REF, "refs/tags/v1.0")));
        intruder = log.append(new TestLog.Id("intruder@example.com", ISSUER));
        release2 = log.append(new TestLog.Id("release@example.com", ISSUER));
        signingKey = TestLog.p256();
        keyed = log.appendWithKey(signingKey);
    }

    @AfterAll
    static void stop() {
        log.close();
    }

    static Out run(String... args) {
        CommandLine cl = MonitorCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Out(code, out.toString(), err.toString());
    }

    static String[] withLog(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--log-url", log.url(), "--log-key", keyFile.toString(), "--log-name", TestLog.HOST));
        return a.toArray(String[]::new);
    }

    @Test
    void get_byLogIndex_printsDecodedCertificate() {
        Out o = run(withLog("get", "--log-index", Long.toString(release1.index()), "--allowlist", allowFile.toString()));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("LogIndex: " + release1.index()), o.out());
        assertTrue(o.out().contains("Kind: hashedrekord 0.0.1"), o.out());
        assertTrue(o.out().contains("Artifact: " + release1.digest()), o.out());
        assertTrue(o.out().contains("Subject: release@example.com"), o.out());
        assertTrue(o.out().contains("Issuer (1.3.6.1.4.1.57264.1.1): " + ISSUER), o.out());
        assertTrue(o.out().contains("Issuer (1.3.6.1.4.1.57264.1.8): " + ISSUER), o.out());
        assertTrue(o.out().contains("sourceRepositoryUri: https://git.internal/org/app"), o.out());
        assertTrue(o.out().contains("sourceRepositoryRef: refs/tags/v1.0"), o.out());
        assertTrue(o.out().contains("Certificate: serial "), o.out());
        assertTrue(o.out().contains("Allowed: yes"), o.out());
    }

    @Test
    void execute_textReportOverABufferedStream_reachesTheStreamBeforeExit() {
        // As System.out: an encoder that buffers until flushed; get, audit and identities end with print().
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        CommandLine cl = MonitorCli.commandLine();
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new StringWriter()));
        int code = MonitorCli.execute(cl, withLog("get", "--log-index", Long.toString(release1.index())));
        assertEquals(0, code);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("LogIndex: " + release1.index()),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void get_byUuidAsJson_findsTheSameEntry() throws Exception {
        Out o = run(withLog("get", "--uuid", intruder.uuid(), "--json"));
        assertEquals(0, o.code(), o.err());
        JsonNode j = JSON.readTree(o.out());
        assertEquals(intruder.index(), j.get("logIndex").asLong());
        assertEquals("intruder@example.com", j.at("/signers/0/identity/subject").asText());
        assertTrue(j.at("/signers/0/certificate/pem").asText().startsWith("-----BEGIN CERTIFICATE-----"));
        assertEquals("hashedrekord", j.at("/body/kind").asText());
    }

    @Test
    void get_indexBeyondLog_isAUsageError() {
        Out o = run(withLog("get", "--log-index", "99999"));
        assertEquals(2, o.code());
        assertTrue(o.err().contains("is not in the log"), o.err());
    }

    @Test
    void search_byEmailShaArtifactAndKey_findsEntries() throws Exception {
        Out byEmail = run(withLog("search", "--email", "RELEASE@example.com"));
        assertEquals(0, byEmail.code(), byEmail.err());
        assertEquals(2, byEmail.out().lines().count(), byEmail.out());
        assertTrue(byEmail.out().startsWith(release1.index() + " "), byEmail.out());

        Out bySha = run(withLog("search", "--sha", intruder.digest(), "--json"));
        JsonNode hits = JSON.readTree(bySha.out());
        assertEquals(1, hits.size());
        assertEquals(intruder.index(), hits.get(0).get("logIndex").asLong());

        Path pub = tmp.resolve("signer.pub");
        Files.writeString(pub, PublicKeyMaterial.pem("PUBLIC KEY", signingKey.getPublic().getEncoded()));
        Out byKey = run(withLog("search", "--public-key", pub.toString()));
        assertEquals(0, byKey.code(), byKey.err());
        assertTrue(byKey.out().startsWith(keyed.index() + " "), byKey.out());

        Path artifact = tmp.resolve("artifact.bin");
        Files.write(artifact, "never signed".getBytes(StandardCharsets.UTF_8));
        Out none = run(withLog("search", "--artifact", artifact.toString()));
        assertEquals(MonitorCli.FOUND, none.code());
        assertEquals("", none.out());
    }

    @Test
    void audit_wholeLog_reportsOffListEntriesAndExitsOne() {
        Out o = run(withLog("audit", "--allowlist", allowFile.toString()));
        assertEquals(MonitorCli.FOUND, o.code(), o.err());
        assertTrue(o.out().contains("UNLISTED_IDENTITY " + intruder.index() + " "), o.out());
        assertTrue(o.out().contains("intruder@example.com (issuer " + ISSUER + ") is not on the allowlist"), o.out());
        assertTrue(o.out().contains("2 findings"), o.out()); // the intruder and the unlisted key
        assertTrue(o.out().matches("(?s).*yes\\s+2\\s+" + release1.index() + "\\s+" + release2.index()
                + "\\s+release@example.com  " + ISSUER + ".*"), o.out());
    }

    @Test
    void audit_rangeOfAllowedEntries_exitsZero() throws Exception {
        Out o = run(withLog("audit", "--allowlist", allowFile.toString(), "--from", Long.toString(release1.index()),
                "--to", Long.toString(release1.index() + 1), "--json"));
        assertEquals(0, o.code(), o.out() + o.err());
        JsonNode j = JSON.readTree(o.out());
        assertEquals(1, j.get("checked").asLong());
        assertEquals(0, j.get("findings").size());
    }

    @Test
    void identities_fromLog_countsEveryPair() throws Exception {
        Out o = run(withLog("identities", "--json"));
        assertEquals(0, o.code(), o.err());
        JsonNode rows = JSON.readTree(o.out());
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(2, rows.get(0).get("count").asLong());
        assertTrue(rows.get(2).has("keyId"));
    }

    @Test
    void runOnce_thenQueryState_resumesAndSearchesTheIndex() throws Exception {
        Path state = tmp.resolve("state");
        Out first = run(withLog("run", "--once", "--state", state.toString(), "--allowlist", allowFile.toString()));
        assertEquals(MonitorCli.FOUND, first.code(), first.err());
        assertTrue(first.out().contains("checked 4 entries, 2 alerts"), first.out());
        Out second = run(withLog("run", "--once", "--state", state.toString(), "--allowlist", allowFile.toString()));
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("checked 0 entries, 0 alerts"), second.out());

        Out search = run("search", "--state", state.toString(), "--email", "intruder@example.com");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().startsWith(intruder.index() + " "), search.out());
        Out ids = run("identities", "--state", state.toString());
        assertEquals(0, ids.code(), ids.err());
        assertTrue(ids.out().matches("(?s).*NO\\s+1\\s+" + intruder.index() + "\\s+" + intruder.index()
                + "\\s+intruder@example.com.*"), ids.out());
    }

    @Test
    void logKey_fromTheRekorApi_withoutLogName_findsTheSignerName() throws Exception {
        // the README's quick start: the key from GET /api/v1/log/publicKey, no --log-name (the URL's host is
        // 127.0.0.1, the log signs as log.test: the name comes from the checkpoint's signature by that key)
        Path fromApi = tmp.resolve("api.pub");
        Files.writeString(fromApi, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(log.url() + "/api/v1/log/publicKey")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        Out a = run("get", "--log-url", log.url(), "--log-key", fromApi.toString(), "--log-index", "0");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("LogIndex: 0"), a.out());
    }

    @Test
    void badInvocations_explainWhatIsWrong() throws Exception {
        Out noKey = run("audit", "--log-url", log.url(), "--allowlist", allowFile.toString());
        assertEquals(2, noKey.code());
        assertTrue(noKey.err().contains("--log-key"), noKey.err());
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "identities:\n  - subject: a@example.com\n");
        Out badAllow = run(withLog("audit", "--allowlist", bad.toString()));
        assertEquals(2, badAllow.code());
        assertTrue(badAllow.err().contains("identities[0] needs exactly one of 'issuer' and 'issuerRegExp'"), badAllow.err());
        Out wrongKey = run("audit", "--log-url", log.url(), "--log-key", writeOtherKey().toString(), "--log-name",
                TestLog.HOST, "--allowlist", allowFile.toString());
        assertEquals(MonitorCli.LOG_MISBEHAVED, wrongKey.code());
        assertTrue(wrongKey.err().contains("checkpoint signature does not verify"), wrongKey.err());
        Out down = run("audit", "--log-url", "http://127.0.0.1:1", "--log-key", keyFile.toString(), "--allowlist",
                allowFile.toString());
        assertEquals(MonitorCli.UNREACHABLE, down.code());
        assertTrue(down.err().contains("cannot reach the log"), down.err());
    }

    static Path writeOtherKey() throws Exception {
        Path p = tmp.resolve("other.pub");
        Files.writeString(p, PublicKeyMaterial.pem("PUBLIC KEY", TestLog.p256().getPublic().getEncoded()));
        return p;
    }
}
