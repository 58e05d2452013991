package dev.sigstack.core.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * The one place a sigstack process sets up its logging. Settings, each from the environment unless the caller
 * passes them: {@code SIGSTACK_LOG_FORMAT} ({@code text}, the default, or {@code json}) and {@code SIGSTACK_LOG_LEVEL}
 * (a java.util.logging level name or {@code debug}, {@code info}, {@code warn}, {@code error}; default {@code info}).
 * Console output goes to standard error, so a command's own output on standard out stays clean.
 */
public final class Logs {
    private static final Map<String, Level> ALIASES = Map.of(
            "debug", Level.FINE, "trace", Level.FINEST, "info", Level.INFO, "warn", Level.WARNING,
            "warning", Level.WARNING, "error", Level.SEVERE, "off", Level.OFF, "all", Level.ALL);

    /** How lines look. */
    public enum Format {
        /** {@code 12:01:02 INFO tlog.TlogServer: message}: for a terminal. */
        TEXT,
        /** One JSON object per line: time, level, logger, message, and the exception if any. */
        JSON;

        /** {@code text} or {@code json}, in any case. */
        public static Format parse(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new IllegalArgumentException("log format must be text or json, not '" + s + "'");
            };
        }
    }

    /**
     * What to set up.
     *
     * @param format line format
     * @param consoleLevel the least level written to standard error
     * @param file a log file that gets every line at {@code fileLevel} and above, or null
     * @param fileLevel the least level written to the file
     */
    public record Settings(Format format, Level consoleLevel, Path file, Level fileLevel) {
        /** From {@code SIGSTACK_LOG_FORMAT} and {@code SIGSTACK_LOG_LEVEL}, console only. */
        public static Settings fromEnvironment() {
            Format f = Optional.ofNullable(System.getenv("SIGSTACK_LOG_FORMAT")).filter(s -> !s.isBlank())
                    .map(Format::parse).orElse(Format.TEXT);
            Level l = Optional.ofNullable(System.getenv("SIGSTACK_LOG_LEVEL")).filter(s -> !s.isBlank())
                    .map(Logs::level).orElse(Level.INFO);
            return new Settings(f, l, null, l);
        }

        /** The same, with the console at {@code level}. */
        public Settings withConsoleLevel(Level level) {
            return new Settings(format, level, file, fileLevel);
        }

        /** The same, with every line at {@code level} and above also in {@code logFile}. */
        public Settings withFile(Path logFile, Level level) {
            return new Settings(format, consoleLevel, logFile, level);
        }
    }

    private Logs() {
    }

    /** A level by java.util.logging name or by the usual alias (debug, info, warn, error). */
    public static Level level(String s) {
        Level alias = ALIASES.get(s.strip().toLowerCase(Locale.ROOT));
        if (alias != null) {
            return alias;
        }
        try {
            return Level.parse(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log level '" + s + "' (use debug, info, warn or error)", e);
        }
    }

    /** Sets up logging from the environment: console only. */
    public static void configure() {
        configure(Settings.fromEnvironment());
    }

    /**
     * Replaces the root logger's handlers with a console handler (standard error) and, if asked, a file handler.
     * Quiet libraries stay quiet: HikariCP's pool chatter below WARNING is dropped.
     */
    public static void configure(Settings settings) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Formatter formatter = settings.format() == Format.JSON ? new JsonFormatter() : new TextFormatter();
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(formatter);
        console.setLevel(settings.consoleLevel());
        root.addHandler(console);
        Level least = settings.consoleLevel();
        if (settings.file() != null) {
            try {
                Files.createDirectories(settings.file().toAbsolutePath().getParent());
                Handler file = new FileHandler(settings.file().toString(), true);
                file.setFormatter(formatter);
                file.setLevel(settings.fileLevel());
                file.setEncoding("UTF-8");
                root.addHandler(file);
                if (settings.fileLevel().intValue() < least.intValue()) {
                    least = settings.fileLevel();
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the log file " + settings.file() + ": " + e.getMessage(), e);
            }
        }
        root.setLevel(least);
        Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARNING);
    }
}
