package dev.sigstack.core.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** {@code 12:01:02 INFO TlogServer: message}, the logger's simple class name, no thread; a stack trace only at FINE. */
final class TextFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(128);
        b.append(TIME.format(r.getInstant() == null ? Instant.now() : r.getInstant())).append(' ')
                .append(r.getLevel().getName()).append(' ').append(shortName(r.getLoggerName())).append(": ")
                .append(formatMessage(r));
        Throwable t = r.getThrown();
        if (t != null) {
            b.append(": ").append(t);
            if (Logger.getLogger(r.getLoggerName() == null ? "" : r.getLoggerName()).isLoggable(Level.FINE)) {
                StringWriter w = new StringWriter();
                t.printStackTrace(new PrintWriter(w));
                b.append(System.lineSeparator()).append(w.toString().stripTrailing());
            }
        }
        return b.append(System.lineSeparator()).toString();
    }

    static String shortName(String logger) {
        if (logger == null || logger.isEmpty()) {
            return "root";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
