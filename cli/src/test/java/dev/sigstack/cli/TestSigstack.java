package dev.sigstack.cli;

import dev.sigstack.ca.CaConfig;
import dev.sigstack.ca.CaServer;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.rekor.RekorV2Entries;
import dev.sigstack.core.trustroot.StackDescription;
import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.ct.CtLog;
import dev.sigstack.tlog.ct.CtLogService;
import dev.sigstack.tlog.internal.Engines;
import dev.sigstack.tlog.rekor.RekorLimits;
import dev.sigstack.tlog.rekor.RekorV1Service;
import dev.sigstack.tlog.rekor.RekorV2Service;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Our real services in one JVM over loopback HTTP, as a site runs them: Rekor v1 (origin {@code "localhost - <treeID>"},
 * ECDSA) and Rekor v2 (origin {@code localhost}, Ed25519) on the production log engine (in-memory H2), a CT log, and
 * the CA with its TSA and development OIDC issuer. Writes {@code trusted_root.json} and two signing configs (Rekor v1
 * only, Rekor v2 only) made by core's {@link TrustMaterial}.
 */
final class TestSigstack implements AutoCloseable {
    static final char[] PASSWORD = "test-password".toCharArray();
    static final long TREE_ID = 1_234_567L;
    private final List<AutoCloseable> running = new ArrayList<>();
    final CaServer ca;
    final Path trustedRoot;
    final Path signingConfigV1;
    final Path signingConfigV2;
    final String rekorV1Url;
    final String rekorV2Url;

    TestSigstack(Path dir) throws Exception {
        try {
            RekorLimits limits = new RekorLimits(1 << 20, 100, Duration.ofSeconds(10));
            KeyPair v1Key = ec();
            LogEngine v1 = log("localhost - " + TREE_ID, NoteKeys.ecdsaSigner("localhost", v1Key.getPrivate(), v1Key.getPublic()));
            WebServer rekorV1 = serve("/", new RekorV1Service(v1, v1Key, TREE_ID, limits));

            KeyPair v2Key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] pkcs8 = v2Key.getPrivate().getEncoded();
            LogEngine v2 = log("localhost", NoteKeys.ed25519Signer("localhost", Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)));
            WebServer rekorV2 = serve("/", new RekorV2Service(v2, v2Key.getPublic(), limits));

            CaSigner caKeys = CaKeys.create(dir.resolve("data/ca"), PASSWORD, "sigstack-test");
            KeyPair ctKey = ec();
            CtLog ctLog = new CtLog(log("ct.localhost", NoteKeys.ecdsaSigner("ct.localhost", ctKey.getPrivate(), ctKey.getPublic())),
                    ctKey.getPrivate(), ctKey.getPublic(), List.of(caKeys.chain().getLast()), Clock.systemUTC());
            WebServer ct = serve("/", new CtLogService(ctLog)); // its routes carry the full /ct/v1/... paths
            ca = CaServer.start(CaConfig.builder(dir.resolve("data")).host("127.0.0.1").httpPort(0).grpcPort(0).devIssuer(true)
                    .ctLogUrl(URI.create("http://127.0.0.1:" + ct.port())).keyPassword(PASSWORD).build());
            running.add(ca::close);

            String caUrl = "http://127.0.0.1:" + ca.httpPort();
            String v1Url = "http://localhost:" + rekorV1.port();
            String v2Url = "http://localhost:" + rekorV2.port();
            rekorV1Url = v1Url;
            rekorV2Url = v2Url;
            String tsaUrl = caUrl + "/api/v1/timestamp";
            StackDescription.Window since = new StackDescription.Window(Instant.parse("2025-01-01T00:00:00Z"), null);
            var cas = List.of(new StackDescription.CertificateAuthority(caUrl, ca.chain(), since));
            var tlogs = List.of(new StackDescription.TransparencyLog(v1Url, v1Key.getPublic(), since, null),
                    new StackDescription.TransparencyLog(v2Url, v2Key.getPublic(), since, RekorV2Entries.logId("localhost", v2Key.getPublic())));
            var ctlogs = List.of(new StackDescription.TransparencyLog("http://127.0.0.1:" + ct.port(), ctKey.getPublic(), since, null));
            var tsas = List.of(new StackDescription.CertificateAuthority(tsaUrl, ca.timestampAuthority().chain(), since));
            var caUrls = List.of(new StackDescription.ServiceUrl(caUrl, 1, since, "test"));
            var oidc = List.of(new StackDescription.ServiceUrl(ca.devIssuerUrl(), 1, since, "test"));
            var tsaUrls = List.of(new StackDescription.ServiceUrl(tsaUrl, 1, since, "test"));
            StackDescription v1Stack = new StackDescription(cas, tlogs, ctlogs, tsas, caUrls, oidc,
                    List.of(new StackDescription.ServiceUrl(v1Url, 1, since, "test")), tsaUrls);
            StackDescription v2Stack = new StackDescription(cas, tlogs, ctlogs, tsas, caUrls, oidc,
                    List.of(new StackDescription.ServiceUrl(v2Url, 2, since, "test")), tsaUrls);
            trustedRoot = Files.write(dir.resolve("trusted_root.json"), TrustMaterial.json(TrustMaterial.trustedRoot(v1Stack)));
            signingConfigV1 = Files.write(dir.resolve("signing_config_v1.json"), TrustMaterial.json(TrustMaterial.signingConfig(v1Stack)));
            signingConfigV2 = Files.write(dir.resolve("signing_config_v2.json"), TrustMaterial.json(TrustMaterial.signingConfig(v2Stack)));
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** A token from the CA's development issuer, with an e-mail (the certificate's SAN). */
    String token(String email) {
        return ca.devIssuer().mint(null, email, null, Map.of());
    }

    String issuer() {
        return ca.devIssuerUrl();
    }

    private LogEngine log(String origin, dev.sigstack.core.note.NoteSigner signer) throws Exception {
        Engines engines = Engines.open("jdbc:h2:mem:cli-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", 4, "");
        running.add(engines);
        return engines.openLog(origin, signer).engine();
    }

    private WebServer serve(String path, io.helidon.webserver.http.HttpService service) {
        WebServer s = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.register(path, service)).build().start();
        running.add(s::stop);
        return s;
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
