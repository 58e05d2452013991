package dev.sigstack.tlog;

import dev.sigstack.core.note.NoteFormatException;
import dev.sigstack.core.note.NoteSignature;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.tlog.internal.Engines;
import dev.sigstack.tlog.internal.RequestBodies;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Accepts witness cosignatures (c2sp.org/tlog-cosignature) of the current checkpoint:
 * {@code POST /checkpoint/cosignatures} with one or more signature lines as {@code text/plain}. Each line must
 * verify, under a configured witness key, over the checkpoint the log serves now; accepted lines are stored and
 * appended to the served checkpoint.
 */
final class CosignatureService implements HttpService {
    /** A witness posts a few lines; anything larger is not a cosignature. */
    static final int MAX_BODY = 16 * 1024;

    private final Engines.Handle log;
    private final List<NoteVerifier> witnesses;

    CosignatureService(Engines.Handle log, List<NoteVerifier> witnesses) {
        this.log = log;
        this.witnesses = List.copyOf(witnesses);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/checkpoint/cosignatures", this::add);
    }

    private void add(ServerRequest req, ServerResponse res) {
        byte[] body;
        try {
            body = RequestBodies.read(req, MAX_BODY); // Content-Length or chunked: never more than MAX_BODY + 1 held
        } catch (RequestBodies.TooLargeException e) {
            error(res, Status.REQUEST_ENTITY_TOO_LARGE_413, e.getMessage());
            return;
        } catch (java.io.IOException e) {
            error(res, Status.BAD_REQUEST_400, "cannot read request body: " + e.getMessage());
            return;
        }
        LogEngine.PublishedCheckpoint current = log.engine().checkpoint();
        String text;
        try {
            text = SignedNote.parse(current.signedNote()).text();
        } catch (NoteFormatException e) {
            error(res, Status.INTERNAL_SERVER_ERROR_500, "the log's own checkpoint does not parse");
            return;
        }
        String[] lines = new String(body, StandardCharsets.UTF_8).split("\n");
        int stored = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            NoteSignature sig;
            try {
                sig = SignedNote.parseSignatureLine(line);
            } catch (NoteFormatException e) {
                error(res, Status.BAD_REQUEST_400, "not a signature line: " + e.getMessage());
                return;
            }
            Optional<NoteVerifier> witness = witnesses.stream()
                    .filter(w -> w.name().equals(sig.name()) && w.keyHash() == sig.keyHash()).findFirst();
            if (witness.isEmpty()) {
                error(res, Status.FORBIDDEN_403, "no configured witness named " + sig.name() + " with that key");
                return;
            }
            if (!witness.get().verify(text.getBytes(StandardCharsets.UTF_8), sig.signature())) {
                error(res, Status.BAD_REQUEST_400, "the cosignature by " + sig.name()
                        + " does not verify over the current checkpoint (size " + current.size() + ")");
                return;
            }
            try {
                log.addCosignature(current.size(), sig.name(), sig.line());
            } catch (SQLException e) {
                error(res, Status.SERVICE_UNAVAILABLE_503, "storing the cosignature failed; retry");
                return;
            }
            stored++;
        }
        if (stored == 0) {
            error(res, Status.BAD_REQUEST_400, "no signature lines in the body");
            return;
        }
        res.status(Status.CREATED_201).header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .send(log.engine().checkpoint().signedNote());
    }

    private static void error(ServerResponse res, Status status, String message) {
        res.status(status).header(HeaderNames.CONTENT_TYPE, "application/json")
                .send("{\"code\":" + status.code() + ",\"message\":\"" + message.replace("\"", "'") + "\"}");
    }
}
