package dev.sigstack.core.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class LogsTest {
    @AfterEach
    void reset() {
        LogManager.getLogManager().reset();
    }

    @Test
    void json_oneObjectPerLine_withLevelLoggerMessageAndError() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "entry {0} refused");
        r.setParameters(new Object[] {"42"});
        r.setLoggerName("dev.sigstack.tlog.TlogServer");
        r.setThrown(new IllegalStateException("line one\nline two"));
        String line = new JsonFormatter().format(r);
        assertEquals(1, line.strip().lines().count(), "one line, newlines escaped: " + line);
        JsonNode n = new ObjectMapper().readTree(line);
        assertEquals("WARNING", n.get("level").asText());
        assertEquals("dev.sigstack.tlog.TlogServer", n.get("logger").asText());
        assertEquals("entry 42 refused", n.get("message").asText());
        assertEquals("java.lang.IllegalStateException: line one\nline two", n.get("error").asText());
        assertTrue(n.has("time") && n.has("stack"));
    }

    @Test
    void text_shortLoggerName_noThread() {
        LogRecord r = new LogRecord(Level.INFO, "listening on port 3000");
        r.setLoggerName("dev.sigstack.tlog.TlogServer");
        String line = new TextFormatter().format(r);
        assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d INFO TlogServer: listening on port 3000\\R"), line);
        assertFalse(line.contains("Thread"), line);
    }

    @Test
    void configure_fileGetsInfo_consoleOnlyWarnings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sigstack.log");
        Logs.configure(new Logs.Settings(Logs.Format.TEXT, Level.WARNING, file, Level.INFO));
        Logger.getLogger("dev.sigstack.test").info("kept in the file");
        Logger.getLogger("dev.sigstack.test").fine("dropped");
        LogManager.getLogManager().reset(); // flushes and closes the file handler
        String logged = Files.readString(file);
        assertTrue(logged.contains("INFO test: kept in the file"), logged);
        assertFalse(logged.contains("dropped"), logged);
    }

    @Test
    void levelsAndFormats_parsedOrRefusedWithTheWord() {
        assertEquals(Level.FINE, Logs.level("debug"));
        assertEquals(Level.WARNING, Logs.level("WARN"));
        assertEquals(Level.SEVERE, Logs.level("severe"));
        assertEquals(Logs.Format.JSON, Logs.Format.parse("JSON"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Logs.level("loud"));
        assertTrue(e.getMessage().contains("'loud'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Logs.Format.parse("yaml"));
    }
}
