package dev.sigstack.cli;

import static dev.sigstack.cli.VerifyBundleCommandTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.testing.Vectors;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.tuf.Expiries;
import dev.sigstack.tuf.RoleSpec;
import dev.sigstack.tuf.Target;
import dev.sigstack.tuf.TufRepoServer;
import dev.sigstack.tuf.TufRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify-bundle} with a TUF-derived trusted root: a repository made by our tuf-repo-builder, served over
 * loopback HTTP by its server, read by the core TUF client from the initial {@code 1.root.json}.
 */
final class TufTrustTest {

    @Test
    void verifyBundle_trustedRootFromTuf_verifiesAndTamperedRepoIsRefused(@TempDir Path tmp) throws Exception {
        Path cases = Vectors.dir("sigstore-conformance/bundle-verify");
        byte[] production = Files.readAllBytes(cases.getParent().resolve("production-trusted_root.json"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        TufSigner signer = TufSigner.of(kp.getPrivate(), kp.getPublic(), null);
        RoleSpec one = new RoleSpec(List.of(signer.key()), 1);
        Path repo = tmp.resolve("repo");
        TufRepository.init(repo, Map.of("root", one, "targets", one, "snapshot", one, "timestamp", one),
                Map.of("trusted_root.json", new Target(production, null)), List.of(signer), Expiries.DEFAULT, Instant.now());
        Path initialRoot = Files.copy(repo.resolve("1.root.json"), tmp.resolve("root.json"));
        Path dir = cases.resolve("happy-path-v0.3");
        try (TufRepoServer server = TufRepoServer.startLoopback(repo)) {
            String[] args = {"verify-bundle", "--bundle", dir.resolve("bundle.sigstore.json").toString(),
                    "--certificate-identity", VerifyBundleCommandTest.IDENTITY, "--certificate-oidc-issuer",
                    VerifyBundleCommandTest.ISSUER, "--tuf-url", server.url().toString(), "--tuf-root", initialRoot.toString(),
                    cases.resolve("a.txt").toString()};
            var ok = cli(args);
            assertEquals(0, ok.code(), ok.err());

            // a target changed behind the metadata's back: the TUF client refuses it, so does the CLI
            try (var files = Files.list(repo.resolve("targets"))) {
                for (Path t : files.toList()) {
                    Files.writeString(t, "{}");
                }
            }
            var refused = cli(args);
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("TUF target trusted_root.json cannot be fetched"), refused.err());
        }
    }
}
