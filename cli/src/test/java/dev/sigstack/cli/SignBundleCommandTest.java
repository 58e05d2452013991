package dev.sigstack.cli;

import static dev.sigstack.cli.VerifyBundleCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sign-bundle}'s refusals before any service is called: no config, unusable config, bad input. */
final class SignBundleCommandTest {
    static String token(String claims) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    static String config(String rekorUrl, int rekorVersion, boolean tsa) {
        return "{\"mediaType\":\"application/vnd.dev.sigstore.signingconfig.v0.2+json\","
                + "\"caUrls\":[{\"url\":\"http://127.0.0.1:9\",\"majorApiVersion\":1,\"validFor\":{\"start\":\"2020-01-01T00:00:00Z\"}}],"
                + "\"rekorTlogUrls\":[{\"url\":\"" + rekorUrl + "\",\"majorApiVersion\":" + rekorVersion
                + ",\"validFor\":{\"start\":\"2020-01-01T00:00:00Z\"}}],\"rekorTlogConfig\":{\"selector\":\"ANY\"},"
                + "\"tsaUrls\":[" + (tsa ? "{\"url\":\"http://127.0.0.1:9/api/v1/timestamp\",\"majorApiVersion\":1,"
                + "\"validFor\":{\"start\":\"2020-01-01T00:00:00Z\"}}" : "") + "],\"tsaConfig\":{\"selector\":\"ANY\"}}";
    }

    @Test
    void signBundle_withoutSigningConfig_refusesWithClearMessage(@TempDir Path tmp) throws Exception {
        Path art = Files.writeString(tmp.resolve("a.txt"), "hello");
        var r = cli("sign-bundle", "--staging", "--identity-token", token("{\"sub\":\"x\"}"), "--bundle",
                tmp.resolve("b.json").toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no signing config") && r.err().contains("--signing-config"), r.err());
        assertFalse(Files.exists(tmp.resolve("b.json")));
    }

    @Test
    void signBundle_rekorV2WithoutTsa_refuses(@TempDir Path tmp) throws Exception {
        Path art = Files.writeString(tmp.resolve("a.txt"), "hello");
        Path cfg = Files.writeString(tmp.resolve("sc.json"), config("http://127.0.0.1:9", 2, false));
        var r = cli("sign-bundle", "--identity-token", token("{\"sub\":\"x\"}"), "--bundle", tmp.resolve("b.json").toString(),
                "--signing-config", cfg.toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("Rekor v2") && r.err().contains("timestamp authority"), r.err());
    }

    @Test
    void signBundle_badTokenOrStatementOrUnreachableCa_failsWithReason(@TempDir Path tmp) throws Exception {
        Path art = Files.writeString(tmp.resolve("a.txt"), "hello");
        Path cfg = Files.writeString(tmp.resolve("sc.json"), config("http://127.0.0.1:9", 1, false));
        var r = cli("sign-bundle", "--identity-token", "not-a-jwt", "--bundle", tmp.resolve("b.json").toString(),
                "--signing-config", cfg.toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a JWT"), r.err());
        r = cli("sign-bundle", "--in-toto", "--identity-token", token("{\"sub\":\"x\"}"), "--bundle",
                tmp.resolve("b.json").toString(), "--signing-config", cfg.toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--in-toto"), r.err());
        r = cli("sign-bundle", "--identity-token", token("{\"sub\":\"x\"}"), "--bundle", tmp.resolve("b.json").toString(),
                "--signing-config", cfg.toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("CA: POST http://127.0.0.1:9/api/v2/signingCert failed"), r.err());
        Path badCfg = Files.writeString(tmp.resolve("bad.json"), "{\"mediaType\":\"nope\"}");
        r = cli("sign-bundle", "--identity-token", token("{\"sub\":\"x\"}"), "--bundle", tmp.resolve("b.json").toString(),
                "--signing-config", badCfg.toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("media type"), r.err());
        assertFalse(Files.exists(tmp.resolve("b.json")));
    }
}
