package dev.sigstack.core.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code time} (RFC 3339, UTC), {@code level}, {@code logger}, {@code message}, and for an
 * exception {@code error} (its text) and {@code stack} (the trace), as log shippers (Fluent Bit, Vector, Loki) read it.
 */
final class JsonFormatter extends Formatter {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String format(LogRecord r) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", (r.getInstant() == null ? Instant.now() : r.getInstant()).toString());
            g.writeStringField("level", r.getLevel().getName());
            g.writeStringField("logger", r.getLoggerName() == null ? "" : r.getLoggerName());
            g.writeStringField("message", formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null) {
                g.writeStringField("error", t.toString());
                StringWriter w = new StringWriter();
                t.printStackTrace(new PrintWriter(w));
                g.writeStringField("stack", w.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append(System.lineSeparator()).toString();
    }
}
