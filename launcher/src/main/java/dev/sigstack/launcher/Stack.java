package dev.sigstack.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.tlog.TlogServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.util.Base64;

/**
 * The stack's services in one process, with their state under one data directory, and the machine-readable
 * {@code stack.json} that scripts and CI read.
 */
final class Stack implements AutoCloseable {
    record Settings(Path dataDir, String host, int tlogPort) { }

    private final Settings settings;
    private final TlogServer tlog;

    private Stack(Settings settings, TlogServer tlog) {
        this.settings = settings;
        this.tlog = tlog;
    }

    static Stack start(Settings s) throws IOException, GeneralSecurityException, SQLException {
        Files.createDirectories(s.dataDir());
        TlogServer tlog = TlogServer.start(TlogServer.Config.defaults(s.dataDir().resolve("tlog"))
                .withHostname(s.host().equals("127.0.0.1") ? "localhost" : s.host())
                .withPort(s.tlogPort()), null);
        Stack stack = new Stack(s, tlog);
        stack.writeStackJson();
        return stack;
    }

    String tlogUrl() {
        return "http://" + settings.host() + ":" + tlog.port();
    }

    private void writeStackJson() throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode services = root.putObject("services");
        ObjectNode t = services.putObject("tlog");
        t.put("url", tlogUrl());
        t.put("checkpoint", tlogUrl() + "/checkpoint");
        t.put("health", tlogUrl() + "/observe/health");
        t.put("publicKey", Base64.getEncoder().encodeToString(tlog.publicKey().getEncoded()));
        root.put("dataDir", settings.dataDir().toAbsolutePath().toString());
        Path out = settings.dataDir().resolve("stack.json");
        Path tmp = settings.dataDir().resolve("stack.json.tmp");
        json.writeValue(tmp.toFile(), root);
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    String banner() {
        return String.join("\n",
                "sigstack is running (data in " + settings.dataDir().toAbsolutePath() + ")",
                "  transparency log  " + tlogUrl() + "   (checkpoint: " + tlogUrl() + "/checkpoint)",
                "  stack.json        " + settings.dataDir().resolve("stack.json").toAbsolutePath(),
                "Stop with Ctrl-C; a restart keeps the log and its key.");
    }

    @Override
    public void close() {
        tlog.close();
    }
}
