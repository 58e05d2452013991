package dev.sigstack.ca.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.List;

import io.helidon.webserver.WebServer;

import dev.sigstack.ca.CaConfig;
import dev.sigstack.ca.CaServer;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.tlog.ct.CtLog;
import dev.sigstack.tlog.ct.CtLogService;

/**
 * A CA and its CT log in one JVM, talking over loopback HTTP as in production: an HTTPS test issuer of type email,
 * a CT log on the real log engine (in-memory H2), and the CA with the development issuer on.
 */
public final class TestStack implements AutoCloseable {
    public static final char[] PASSWORD = "test-password".toCharArray();
    public final TestOidcIssuer issuer;
    public final KeyPair logKey;
    public final WebServer ctServer;
    public final CaServer ca;
    public final StoredLogs engine;

    public TestStack(Path dir, int grpcPort) throws Exception {
        issuer = new TestOidcIssuer("/oidc");
        Path identity = dir.resolve("identity.yaml");
        Files.writeString(identity, issuer.configYaml("email", java.util.Map.of()));
        CaSigner signer = CaKeys.create(dir.resolve("data/ca"), PASSWORD, "test");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        logKey = g.generateKeyPair();
        engine = new StoredLogs("ct.test", logKey);
        CtLog log = new CtLog(engine.engine(), logKey.getPrivate(), logKey.getPublic(), List.of(signer.chain().getLast()), Clock.systemUTC());
        ctServer = WebServer.builder().host("127.0.0.1").port(0)
            .routing(r -> r.register(new CtLogService(log))).build().start();
        ca = CaServer.start(CaConfig.builder(dir.resolve("data")).identityConfig(identity).devIssuer(true).grpcPort(grpcPort)
            .ctLogUrl(URI.create("http://127.0.0.1:" + ctServer.port())).keyPassword(PASSWORD).build());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + ca.httpPort();
    }

    @Override
    public void close() {
        ca.close();
        ctServer.stop();
        engine.close();
        issuer.close();
    }
}
