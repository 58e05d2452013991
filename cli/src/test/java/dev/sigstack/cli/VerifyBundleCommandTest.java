package dev.sigstack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.testing.Vectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code verify-bundle} as the sigstore-conformance suite calls it, over every {@code bundle-verify} case (exit code
 * 0 for a passing case, 1 with a reason on stderr for a {@code _fail} case), and its refusals.
 */
final class VerifyBundleCommandTest {
    static final String IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"
            + "/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String ISSUER = "https://token.actions.githubusercontent.com";

    record Run(int code, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Stream<Arguments> cases() throws IOException {
        Path dir = Vectors.dirOrNull("sigstore-conformance/bundle-verify");
        if (dir == null) {
            return Stream.of(Arguments.of("(vectors absent)"));
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().map(Arguments::of).toList().stream();
        }
    }

    /** The arguments in the protocol's order, from the case folder and the README's defaults. */
    static List<String> protocolArgs(Path dir, String artifactOrDigest) throws IOException {
        List<String> a = new ArrayList<>(List.of("verify-bundle", "--bundle", dir.resolve("bundle.sigstore.json").toString()));
        if (Files.exists(dir.resolve("key.pub"))) {
            a.addAll(List.of("--key", dir.resolve("key.pub").toString()));
        } else {
            a.addAll(List.of("--certificate-identity",
                    Files.exists(dir.resolve("identity")) ? Files.readString(dir.resolve("identity")).strip() : IDENTITY,
                    "--certificate-oidc-issuer",
                    Files.exists(dir.resolve("issuer")) ? Files.readString(dir.resolve("issuer")).strip() : ISSUER));
        }
        Path root = Files.exists(dir.resolve("trusted_root.json")) ? dir.resolve("trusted_root.json")
                : dir.getParent().getParent().resolve("production-trusted_root.json");
        a.addAll(List.of("--trusted-root", root.toString(), artifactOrDigest));
        return a;
    }

    static Path artifact(Path dir) {
        return Files.exists(dir.resolve("artifact")) ? dir.resolve("artifact") : dir.getParent().resolve("a.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verifyBundle_conformanceCase_exitCodeMatchesName(String name) throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve(name);
        Run r = cli(protocolArgs(dir, artifact(dir).toString()).toArray(String[]::new));
        if (name.endsWith("_fail")) {
            assertEquals(1, r.code(), name + " must fail; stdout: " + r.out());
            assertTrue(r.err().startsWith("verification failed (") || r.err().startsWith("error: "), r.err());
        } else {
            assertEquals(0, r.code(), name + ": " + r.err());
            assertTrue(r.out().startsWith("OK: "), r.out());
        }
    }

    @Test
    void verifyBundle_digestInput_verifiesAndWrongDigestFails() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3");
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(artifact(dir))));
        assertEquals(0, cli(protocolArgs(dir, "sha256:" + hex).toArray(String[]::new)).code());
        Run wrong = cli(protocolArgs(dir, "sha256:" + "1".repeat(64)).toArray(String[]::new));
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("ArtifactMismatch"), wrong.err());
    }

    @Test
    void artifact_digestLookingNameThatExistsOnDisk_isReadAsFile() throws Exception {
        String hex = "ab".repeat(32);
        Path file = Path.of("sha256:" + hex); // relative, in the working directory, as the protocol describes
        Files.writeString(file, "content");
        try {
            assertTrue(VerifyBundleCommand.artifact("sha256:" + hex) instanceof dev.sigstack.core.verify.Artifact.Bytes);
        } finally {
            Files.delete(file);
        }
        assertTrue(VerifyBundleCommand.artifact("sha256:" + hex) instanceof dev.sigstack.core.verify.Artifact.Digest);
        // not 64 hex digits: a path, which does not exist
        CliFailure e = org.junit.jupiter.api.Assertions.assertThrows(CliFailure.class,
                () -> VerifyBundleCommand.artifact("sha256:" + hex.substring(2)));
        assertTrue(e.getMessage().contains("cannot read artifact"), e.getMessage());
    }

    @Test
    void verifyBundle_wrongIdentityAndIssuer_failWithReason() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3");
        List<String> a = protocolArgs(dir, artifact(dir).toString());
        a.set(a.indexOf("--certificate-identity") + 1, "mallory@example.com");
        Run r = cli(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("IdentityMismatch") && r.err().contains("mallory@example.com"), r.err());
        a = protocolArgs(dir, artifact(dir).toString());
        a.set(a.indexOf("--certificate-oidc-issuer") + 1, "https://accounts.google.com");
        r = cli(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("IssuerMismatch"), r.err());
    }

    @Test
    void verifyBundle_regexpPolicy_matchesAnywhereAsCosign() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3");
        List<String> a = protocolArgs(dir, artifact(dir).toString());
        a.set(a.indexOf("--certificate-identity"), "--certificate-identity-regexp");
        a.set(a.indexOf("--certificate-identity-regexp") + 1, "https://github\\.com/sigstore-conformance/.*");
        a.set(a.indexOf("--certificate-oidc-issuer"), "--certificate-oidc-issuer-regexp");
        a.set(a.indexOf("--certificate-oidc-issuer-regexp") + 1, "https://token\\.actions\\..*");
        Run r = cli(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        // cosign's regexp.MatchString: a match anywhere counts; ^ anchors.
        a.set(a.indexOf("--certificate-identity-regexp") + 1, "sigstore-conformance");
        r = cli(a.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        a.set(a.indexOf("--certificate-identity-regexp") + 1, "^sigstore-conformance");
        r = cli(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("IdentityMismatch"), r.err());
        a.set(a.indexOf("--certificate-identity-regexp") + 1, "([");
        r = cli(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("invalid regexp"), r.err());
        // RE2 refuses what Go refuses (a backreference), with Go's message.
        a.set(a.indexOf("--certificate-identity-regexp") + 1, "(a)\\1");
        r = cli(a.toArray(String[]::new));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error parsing regexp: invalid escape sequence"), r.err());
    }

    @Test
    void verifyBundle_withoutTrustedRoot_refusesWithClearMessage() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("happy-path-v0.3");
        Run r = cli("verify-bundle", "--staging", "--bundle", dir.resolve("bundle.sigstore.json").toString(),
                "--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER, artifact(dir).toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no trusted root") && r.err().contains("--trusted-root"), r.err());
        r = cli("verify-bundle", "--tuf-url", "http://127.0.0.1:9/", "--bundle", dir.resolve("bundle.sigstore.json").toString(),
                "--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER, artifact(dir).toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("initial root.json"), r.err());
    }

    @Test
    void verifyBundle_usageErrors_exitTwo() throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("managed-key-happy-path");
        // both a key and an identity
        assertEquals(2, cli("verify-bundle", "--bundle", dir.resolve("bundle.sigstore.json").toString(), "--key",
                dir.resolve("key.pub").toString(), "--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER,
                "a.txt").code());
        // neither
        assertEquals(2, cli("verify-bundle", "--bundle", dir.resolve("bundle.sigstore.json").toString(), "a.txt").code());
        // identity without issuer
        assertEquals(2, cli("verify-bundle", "--bundle", "b", "--certificate-identity", IDENTITY, "a.txt").code());
        assertEquals(2, cli().code());
    }

    @Test
    void verifyBundle_unreadableFiles_failWithReason(@TempDir Path tmp) throws Exception {
        Path dir = Vectors.dir("sigstore-conformance/bundle-verify").resolve("managed-key-happy-path");
        Run r = cli("verify-bundle", "--bundle", tmp.resolve("missing.json").toString(), "--key", dir.resolve("key.pub").toString(),
                "--trusted-root", dir.resolve("../../production-trusted_root.json").toString(), artifact(dir).toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read bundle"), r.err());
        Files.writeString(tmp.resolve("key.pem"), "not a key");
        r = cli("verify-bundle", "--bundle", dir.resolve("bundle.sigstore.json").toString(), "--key", tmp.resolve("key.pem").toString(),
                "--trusted-root", dir.resolve("../../production-trusted_root.json").toString(), artifact(dir).toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is not a PEM public key"), r.err());
    }
}
