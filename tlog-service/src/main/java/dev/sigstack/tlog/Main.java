package dev.sigstack.tlog;

import dev.sigstack.core.logging.Logs;
import io.helidon.config.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the transparency log alone: {@code java -jar tlog-service.jar}, configured by application.yaml, with the
 * Rekor v1 API over its log.
 */
public final class Main {
    private Main() {
    }

    /**
     * Starts the service. A store that holds less than the log published or acknowledged stops it before it serves:
     * one line on standard error, exit status {@link LogIntegrityException#EXIT_CODE}.
     */
    public static void main(String[] args) throws Exception {
        Logs.configure();
        Config config = Config.create();
        TlogServer server;
        try {
            server = start(config, null);
        } catch (LogIntegrityException e) {
            System.err.println("tlog-service: " + e.getMessage());
            System.exit(LogIntegrityException.EXIT_CODE);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }

    /**
     * Starts the service from Helidon config ({@code tlog.*}, {@code server.port}; system properties and
     * environment variables override application.yaml) with extra routes from {@code extraRouting}.
     */
    static TlogServer start(Config config, TlogServer.RoutingExtension extraRouting) throws Exception {
        Config tlog = config.get("tlog");
        Path dataDir = Path.of(tlog.get("data-dir").asString().orElse("data"));
        TlogServer.Config c = TlogServer.Config.defaults(dataDir)
                .withHostname(tlog.get("hostname").asString().orElse("localhost"))
                .withPort(config.get("server.port").asInt().orElse(3000));
        c = tlog.get("database.url").asString().map(c::withJdbcUrl).orElse(c);
        c = tlog.get("self-url").asString().map(c::withSelfUrl).orElse(c);
        c = c.withApi(TlogServer.Api.valueOf(tlog.get("api").asString().orElse("rekor-v1")
                .toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
        c = tlog.get("key-file").asString().map(Path::of).map(c::withKeyFile).orElse(c);
        c = c.withWitnessKeys(tlog.get("witnesses").asList(String.class).orElse(List.of()));
        // PostgreSQL only: a standby takes over within about this long of the holder being frozen or cut off
        c = tlog.get("lease.ttl-seconds").asLong().map(java.time.Duration::ofSeconds).map(c::withLeaseTtl).orElse(c);
        if (c.api() == TlogServer.Api.CT) {
            // The CA certificates (PEM) whose chains the CT log accepts.
            Path roots = Path.of(tlog.get("ct-roots").asString().orElseThrow(
                    () -> new IllegalArgumentException("tlog.ct-roots (a PEM file of CA certificates) is required")));
            try (var in = java.nio.file.Files.newInputStream(roots)) {
                c = c.withCtRoots(java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)
                        .stream().map(java.security.cert.X509Certificate.class::cast).toList());
            }
        }
        return TlogServer.start(c, extraRouting, dataDir); // the state file in the data folder: keys may be read-only
    }
}
