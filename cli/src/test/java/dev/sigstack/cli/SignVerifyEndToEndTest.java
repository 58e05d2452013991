package dev.sigstack.cli;

import static dev.sigstack.cli.VerifyBundleCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sign-bundle} against our real CA (Fulcio REST, embedded SCT from our CT log, development OIDC issuer), TSA
 * and Rekor v1 / v2 over loopback HTTP, then {@code verify-bundle} on the result: the happy paths for a message
 * signature and an in-toto DSSE envelope on each Rekor API, and the refusals (wrong identity, wrong issuer, other
 * artifact, tampered bundle).
 */
final class SignVerifyEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "builder@sigstack.test";

    @TempDir
    static Path dir;
    static TestSigstack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = new TestSigstack(dir.resolve("stack"));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static VerifyBundleCommandTest.Run sign(Path config, boolean inToto, Path artifact, Path bundle) {
        String[] base = {"sign-bundle", "--identity-token", stack.token(EMAIL), "--bundle", bundle.toString(),
                "--trusted-root", stack.trustedRoot.toString(), "--signing-config", config.toString(), artifact.toString()};
        if (!inToto) {
            return cli(base);
        }
        String[] args = new String[base.length + 1];
        args[0] = "sign-bundle";
        args[1] = "--in-toto";
        System.arraycopy(base, 1, args, 2, base.length - 1);
        return cli(args);
    }

    private static VerifyBundleCommandTest.Run verify(Path bundle, String identity, String issuer, String artifact) {
        return cli("verify-bundle", "--bundle", bundle.toString(), "--certificate-identity", identity,
                "--certificate-oidc-issuer", issuer, "--trusted-root", stack.trustedRoot.toString(), artifact);
    }

    @Test
    void messageSignature_rekorV1_signsAndVerifiesAndRefusesWrongPolicy() throws Exception {
        Path art = Files.writeString(dir.resolve("release-v1.tar"), "release bytes " + System.nanoTime());
        Path bundle = dir.resolve("release-v1.sigstore.json");
        var s = sign(stack.signingConfigV1, false, art, bundle);
        assertEquals(0, s.code(), s.err());
        JsonNode b = JSON.readTree(bundle.toFile());
        assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", b.path("mediaType").asText());
        JsonNode entry = b.path("verificationMaterial").path("tlogEntries").path(0);
        assertEquals("hashedrekord", entry.path("kindVersion").path("kind").asText());
        assertEquals("0.0.1", entry.path("kindVersion").path("version").asText());
        assertTrue(entry.path("inclusionPromise").has("signedEntryTimestamp"), b.toString());
        assertEquals(1, b.path("verificationMaterial").path("timestampVerificationData").path("rfc3161Timestamps").size());

        var ok = verify(bundle, EMAIL, stack.issuer(), art.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("TRANSPARENCY_LOG") && ok.out().contains("TIMESTAMP_AUTHORITY"), ok.out());
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(art)));
        assertEquals(0, verify(bundle, EMAIL, stack.issuer(), "sha256:" + hex).code());

        var wrongId = verify(bundle, "mallory@sigstack.test", stack.issuer(), art.toString());
        assertEquals(1, wrongId.code());
        assertTrue(wrongId.err().contains("IdentityMismatch"), wrongId.err());
        var wrongIssuer = verify(bundle, EMAIL, "https://accounts.google.com", art.toString());
        assertEquals(1, wrongIssuer.code());
        assertTrue(wrongIssuer.err().contains("IssuerMismatch"), wrongIssuer.err());
        Path other = Files.writeString(dir.resolve("other.tar"), "tampered");
        var tampered = verify(bundle, EMAIL, stack.issuer(), other.toString());
        assertEquals(1, tampered.code());
        assertTrue(tampered.err().contains("ArtifactMismatch"), tampered.err());
    }

    @Test
    void inToto_rekorV1_dsseEntrySignsAndVerifiesBySubject() throws Exception {
        Path art = Files.writeString(dir.resolve("app.bin"), "app " + System.nanoTime());
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(art)));
        Path statement = Files.writeString(dir.resolve("statement-v1.json"), statement(hex));
        Path bundle = dir.resolve("app-v1.sigstore.json");
        var s = sign(stack.signingConfigV1, true, statement, bundle);
        assertEquals(0, s.code(), s.err());
        JsonNode b = JSON.readTree(bundle.toFile());
        assertEquals("dsse", b.path("verificationMaterial").path("tlogEntries").path(0).path("kindVersion").path("kind").asText());
        assertEquals("application/vnd.in-toto+json", b.path("dsseEnvelope").path("payloadType").asText());
        var ok = verify(bundle, EMAIL, stack.issuer(), art.toString());
        assertEquals(0, ok.code(), ok.err());
        var notSubject = verify(bundle, EMAIL, stack.issuer(), statement.toString());
        assertEquals(1, notSubject.code());
        assertTrue(notSubject.err().contains("ArtifactMismatch"), notSubject.err());
    }

    @Test
    void messageSignature_rekorV2_signsAndVerifiesWithTimestampOnly() throws Exception {
        Path art = Files.writeString(dir.resolve("release-v2.tar"), "release v2 " + System.nanoTime());
        Path bundle = dir.resolve("release-v2.sigstore.json");
        var s = sign(stack.signingConfigV2, false, art, bundle);
        assertEquals(0, s.code(), s.err());
        JsonNode entry = JSON.readTree(bundle.toFile()).path("verificationMaterial").path("tlogEntries").path(0);
        assertEquals("0.0.2", entry.path("kindVersion").path("version").asText());
        var ok = verify(bundle, EMAIL, stack.issuer(), art.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("TIMESTAMP_AUTHORITY") && !ok.out().contains("TRANSPARENCY_LOG"), ok.out());
    }

    @Test
    void inToto_rekorV2_hashedRekordOverPaeSignsAndVerifies() throws Exception {
        Path art = Files.writeString(dir.resolve("app2.bin"), "app2 " + System.nanoTime());
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(art)));
        Path statement = Files.writeString(dir.resolve("statement-v2.json"), statement(hex));
        Path bundle = dir.resolve("app-v2.sigstore.json");
        var s = sign(stack.signingConfigV2, true, statement, bundle);
        assertEquals(0, s.code(), s.err());
        var ok = verify(bundle, EMAIL, stack.issuer(), "sha256:" + hex);
        assertEquals(0, ok.code(), ok.err());
    }

    private static String flip(String base64) {
        byte[] b = java.util.Base64.getDecoder().decode(base64);
        b[b.length - 1] ^= 1;
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    /** One field of our own fresh bundle changed at a time; each must fail for its own reason. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"signature", "set", "inclusionProof", "checkpoint",
            "integratedTime", "untrustedCa"})
    void tamperedSignedBundle_isRefused(String what) throws Exception {
        Path art = Files.writeString(dir.resolve("t-" + what + ".tar"), "t " + what + System.nanoTime());
        Path bundle = dir.resolve("t-" + what + ".sigstore.json");
        assertEquals(0, sign(stack.signingConfigV1, false, art, bundle).code());
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(bundle.toFile());
        var entry = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("verificationMaterial").path("tlogEntries").path(0);
        var proof = (com.fasterxml.jackson.databind.node.ObjectNode) entry.path("inclusionProof");
        Path trusted = stack.trustedRoot;
        String expected;
        switch (what) {
            case "signature" -> {
                var ms = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("messageSignature");
                ms.put("signature", flip(ms.path("signature").asText()));
                expected = "EntryMismatch";
            }
            case "set" -> {
                var p = (com.fasterxml.jackson.databind.node.ObjectNode) entry.path("inclusionPromise");
                p.put("signedEntryTimestamp", flip(p.path("signedEntryTimestamp").asText()));
                expected = "InvalidSignedEntryTimestamp";
            }
            case "inclusionProof" -> {
                proof.put("rootHash", java.util.Base64.getEncoder().encodeToString(new byte[32]));
                expected = "InvalidInclusionProof";
            }
            case "checkpoint" -> {
                var cp = (com.fasterxml.jackson.databind.node.ObjectNode) proof.path("checkpoint");
                String env = cp.path("envelope").asText();
                int sp = env.lastIndexOf(' ');
                cp.put("envelope", env.substring(0, sp + 1) + flip(env.substring(sp + 1, env.length() - 1)) + "\n");
                expected = "InvalidCheckpoint";
            }
            case "integratedTime" -> {
                entry.put("integratedTime", String.valueOf(entry.path("integratedTime").asLong() - 3600));
                expected = "InvalidSignedEntryTimestamp";
            }
            default -> {
                // a trusted root whose CA is another sigstack CA: the certificate chains to nothing trusted
                var other = dev.sigstack.ca.keys.CaKeys.create(dir.resolve("other-ca-" + System.nanoTime()),
                        TestSigstack.PASSWORD, "someone-else");
                var tr = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(stack.trustedRoot.toFile());
                var certs = (com.fasterxml.jackson.databind.node.ArrayNode) tr.path("certificateAuthorities").path(0)
                        .path("certChain").path("certificates");
                certs.removeAll();
                for (var c : other.chain()) {
                    certs.addObject().put("rawBytes", java.util.Base64.getEncoder().encodeToString(c.getEncoded()));
                }
                trusted = Files.writeString(dir.resolve("other-root.json"), tr.toString());
                expected = "UntrustedCertificate";
            }
        }
        Path bad = Files.writeString(dir.resolve("t-" + what + "-bad.sigstore.json"), root.toString(), StandardCharsets.UTF_8);
        var r = cli("verify-bundle", "--bundle", bad.toString(), "--certificate-identity", EMAIL,
                "--certificate-oidc-issuer", stack.issuer(), "--trusted-root", trusted.toString(), art.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains(expected), what + ": " + r.err());
    }

    @Test
    void inToto_unknownStatementType_isRefusedBySelfCheckAndNotWritten() throws Exception {
        Path statement = Files.writeString(dir.resolve("statement-v9.json"),
                statement("ab".repeat(32)).replace("Statement/v1", "Statement/v9"));
        Path bundle = dir.resolve("v9.sigstore.json");
        var s = sign(stack.signingConfigV1, true, statement, bundle);
        assertEquals(1, s.code());
        assertTrue(s.err().contains("does not verify (MalformedBundle)") && s.err().contains("_type"), s.err());
        assertTrue(!Files.exists(bundle));
    }

    @Test
    void signBundle_unreadableTrustedRoot_failsInsteadOfSkippingTheSelfCheck() throws Exception {
        Path art = Files.writeString(dir.resolve("u.tar"), "u " + System.nanoTime());
        Path bundle = dir.resolve("u.sigstore.json");
        var r = cli("sign-bundle", "--identity-token", stack.token(EMAIL), "--bundle", bundle.toString(), "--trusted-root",
                dir.resolve("no-such-root.json").toString(), "--signing-config", stack.signingConfigV1.toString(), art.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read trusted root"), r.err());
        assertTrue(!Files.exists(bundle));
        var noRoot = cli("sign-bundle", "--identity-token", stack.token(EMAIL), "--bundle", bundle.toString(),
                "--signing-config", stack.signingConfigV1.toString(), art.toString());
        assertEquals(0, noRoot.code(), noRoot.err());
        assertTrue(noRoot.err().contains("not verified before writing"), noRoot.err());
        assertEquals(0, verify(bundle, EMAIL, stack.issuer(), art.toString()).code());
    }

    private static String statement(String sha256Hex) {
        return "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app.bin\",\"digest\":{\"sha256\":\""
                + sha256Hex + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{}}";
    }
}
