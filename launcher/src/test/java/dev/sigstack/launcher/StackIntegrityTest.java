package dev.sigstack.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.LogIntegrityException;
import dev.sigstack.tlog.TlogServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./sigstack run} on a data directory whose Rekor v1 entries were deleted behind its published checkpoint:
 * it stops with one line naming the log, the stored and the published size and root, and exit status 65.
 */
class StackIntegrityTest {
    @TempDir
    Path dataDir;

    @Test
    void run_rekorV1EntriesDeletedBehindPublishedCheckpoint_exits65WithOneLine() throws Exception {
        Path data = dataDir.toAbsolutePath();
        // the Rekor v1 log as the stack opens it (same store, key and hostname), with 20 entries
        TlogServer.Config rekorV1 = TlogServer.Config.defaults(data.resolve("tlog")).withHostname("127.0.0.1")
                .withApi(TlogServer.Api.REKOR_V1).withKeyFile(data.resolve("tlog/rekor-v1-key.pem"));
        String origin;
        LogEngine.PublishedCheckpoint published;
        try (TlogServer log = TlogServer.start(rekorV1, null)) {
            origin = log.engine().origin();
            for (int i = 0; i < 20; i++) {
                byte[] leaf = ("entry " + i).getBytes(StandardCharsets.UTF_8);
                log.engine().add(new LogEngine.NewEntry(leaf, Rfc6962.leafHash(leaf), List.of(), null));
            }
            published = log.engine().awaitIntegrated(19, Duration.ofSeconds(30));
        }
        try (Stack stack = Stack.start(new Stack.Settings(data, "127.0.0.1", 0, null))) {
            assertTrue(stack.banner().contains("127.0.0.1"), "the untouched store starts");
        }
        try (Connection c = DriverManager.getConnection(rekorV1.jdbcUrl());
                PreparedStatement ps = c.prepareStatement("DELETE FROM entries WHERE log = ? AND idx >= 15")) {
            ps.setString(1, origin);
            assertEquals(5, ps.executeUpdate());
        }

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = new CommandLine(new Main()).execute("--data-dir", data.toString(), "--base-port", "0");
        } finally {
            System.setErr(original);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(LogIntegrityException.EXIT_CODE, code, said);
        List<String> lines = said.lines().filter(l -> l.startsWith("sigstack: ")).toList();
        assertEquals(1, lines.size(), said);
        String root = java.util.Base64.getEncoder().encodeToString(published.rootHash());
        assertTrue(lines.getFirst().startsWith("sigstack: log integrity check failed for \"" + origin
                + "\": stored size 15 root "), lines.getFirst());
        assertTrue(lines.getFirst().contains(", published size 20 root " + root + ": "), lines.getFirst());
        assertFalse(said.lines().anyMatch(l -> l.strip().startsWith("at ")), "no stack trace:\n" + said);
        System.out.println("./sigstack run said, on standard error:\n" + said);
    }
}
