package dev.sigstack.tlog.rekor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.ProposedEntryException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A refusal with an HTTP status, written as Rekor's error model {@code {"code": status, "message": text}}, plus
 * headers (Location for a duplicate, Retry-After for pushback). {@link #guard} is the one place handlers' failures
 * become responses.
 */
final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ApiError.class.getName());
    static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final transient Map<String, String> headers = new LinkedHashMap<>();

    ApiError(int status, String message) {
        super(message);
        this.status = status;
    }

    ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    int status() {
        return status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError notFound() {
        return new ApiError(404, "Not Found");
    }

    static ApiError unprocessable(String message) {
        return new ApiError(422, message);
    }

    /** Rekor's answer to a refused proposed entry: 422 for an unknown kind (go-swagger), 400 for the rest. */
    static ApiError of(ProposedEntryException e) {
        return switch (e) {
            case ProposedEntryException.UnknownKind k -> new ApiError(422, k.getMessage());
            case ProposedEntryException.Malformed m when m.getMessage().startsWith("parsing body") ->
                    new ApiError(400, m.getMessage());
            default -> new ApiError(400, "error processing entry: " + e.getMessage());
        };
    }

    /** A handler that may refuse. */
    @FunctionalInterface
    interface ApiHandler {
        void handle(io.helidon.webserver.http.ServerRequest req, ServerResponse res) throws Exception;
    }

    /** Wraps a handler: an {@link ApiError} becomes its JSON; anything else is logged and answered 500. */
    static Handler guard(ApiHandler h) {
        return (req, res) -> {
            try {
                h.handle(req, res);
            } catch (ApiError e) {
                send(res, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                send(res, new ApiError(503, "interrupted while waiting for the log"));
            } catch (Exception e) {
                LOG.log(Level.WARNING, "unexpected failure in " + req.prologue().method() + " " + req.path().path(), e);
                send(res, new ApiError(500, "Internal Server Error"));
            }
        };
    }

    static void send(ServerResponse res, ApiError e) {
        ObjectNode body = JSON.createObjectNode();
        body.put("code", e.status);
        body.put("message", e.getMessage());
        e.send(res, body);
    }

    /** Writes this error's status and headers with {@code body}. */
    void send(ServerResponse res, ObjectNode body) {
        res.status(Status.create(status));
        headers.forEach((k, v) -> res.header(HeaderNames.create(k), v));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
