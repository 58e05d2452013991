package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.tlog.internal.Databases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code java -jar tlog-service.jar} ({@link Main}) on a store whose last entries were deleted behind a published
 * checkpoint: the process exits with {@link LogIntegrityException#EXIT_CODE} and says why in one line, without a
 * stack trace, on H2 and on the private PostgreSQL.
 */
final class LogIntegrityMainTest {
    private static final String HOST = "main-integrity.test";

    @TempDir
    Path tmp;

    /** Deployments mount the log key read-only (the Helm chart does): the state file goes to the data folder. */
    @Test
    void start_keyOnItsOwnMount_keepsTheStateFileInTheDataFolder() throws Exception {
        Path keys = tmp.resolve("key");
        Path data = tmp.resolve("data");
        dev.sigstack.tlog.internal.KeyFiles.loadOrCreateEcdsa(keys.resolve("tlog-key.pem"));
        io.helidon.config.Config config = io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(Map.of(
                "tlog.hostname", HOST, "tlog.data-dir", data.toString(), "server.port", "0",
                "tlog.key-file", keys.resolve("tlog-key.pem").toString())));
        try (TlogServer server = Main.start(config, null)) {
            assertEquals(0, server.engine().checkpoint().size());
            List<String> inData;
            try (var files = Files.list(data)) {
                inData = files.map(f -> f.getFileName().toString()).toList();
            }
            assertEquals(1, inData.stream().filter(f -> f.matches("tlog-key-[0-9a-f]{8}\\.published")).count(),
                    inData.toString());
            try (var files = Files.list(keys)) {
                assertEquals(List.of("tlog-key.pem"), files.map(f -> f.getFileName().toString()).toList());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void main_lastEntriesDeletedBehindPublishedCheckpoint_exits65WithOneLine(String store) throws Exception {
        Path data = tmp.resolve("data");
        TlogServer.Config config = TlogServer.Config.defaults(data).withHostname(HOST).withApi(TlogServer.Api.REKOR_V1);
        if (store.equals("postgres")) {
            config = config.withJdbcUrl(Databases.postgres());
        }
        String origin;
        LogEngine.PublishedCheckpoint published;
        try (TlogServer server = TlogServer.start(config, null)) {
            LogEngine log = server.engine();
            origin = log.origin();
            for (int i = 0; i < 40; i++) {
                byte[] leaf = ("entry " + i).getBytes(StandardCharsets.UTF_8);
                log.add(new LogEngine.NewEntry(leaf, Rfc6962.leafHash(leaf), List.of(), null));
            }
            published = log.awaitIntegrated(39, Duration.ofSeconds(30));
        }
        assertEquals(40, published.size());
        try (Connection c = DriverManager.getConnection(config.jdbcUrl());
                PreparedStatement ps = c.prepareStatement("DELETE FROM entries WHERE log = ? AND idx >= 35")) {
            ps.setString(1, origin);
            assertEquals(5, ps.executeUpdate());
        }

        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString()),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dserver.port=0", "-Dtlog.hostname=" + HOST,
                "-Dtlog.data-dir=" + data.toAbsolutePath()));
        if (store.equals("postgres")) {
            cmd.add("-Dtlog.database.url=" + config.jdbcUrl());
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Path out = tmp.resolve("stdout.log");
        Path err = tmp.resolve("stderr.log");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the service kept running on a store behind its checkpoint:\n"
                    + Files.readString(err));
        }
        String stderr = Files.readString(err);
        assertEquals(LogIntegrityException.EXIT_CODE, p.exitValue(), stderr);
        List<String> said = stderr.lines().filter(l -> l.contains("log integrity check failed")).toList();
        assertEquals(1, said.size(), stderr);
        System.out.println(store + ": the service said, on standard error:\n" + stderr);
        String root = java.util.Base64.getEncoder().encodeToString(published.rootHash());
        assertTrue(said.getFirst().startsWith("tlog-service: log integrity check failed for \"" + origin + "\": stored size 35 root "),
                said.getFirst());
        assertTrue(said.getFirst().contains(", published size 40 root " + root + ": "), said.getFirst());
        assertFalse(stderr.lines().anyMatch(l -> l.strip().startsWith("at ")), "no stack trace:\n" + stderr);
        assertFalse((Files.readString(out) + stderr).contains("listening on port"), "it never served");
    }
}
