package dev.sigstack.ca.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.sigstack.ca.CaException;

/**
 * The one place errors become responses: Fulcio's grpc-gateway body {@code {"code", "message", "details": []}}
 * with the HTTP status grpc-gateway maps the gRPC code to.
 */
final class FulcioErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FulcioErrors() {
    }

    /** grpc-gateway's answer to a known path with another method: Unimplemented, "Method Not Allowed" (501). */
    static void methodNotAllowed(ServerRequest req, ServerResponse res) {
        send(res, CaException.Code.UNIMPLEMENTED, "Method Not Allowed");
    }

    /**
     * The answer to a body over the server's limit, which Helidon gives before routing (from the Content-Length) or
     * while a handler reads a chunked body: 413, the connection closed, and a JSON error in the model of the path's
     * API (Fulcio's {@code {code: 8 (RESOURCE_EXHAUSTED), message, details}}, or timestamp-authority's
     * {@code {code: 413, message}} under {@code /api/v1/timestamp}) instead of Helidon's empty body. Other refusals
     * before routing keep Helidon's default answer.
     */
    static DirectHandlers directHandlers(long limit) {
        DirectHandler plain = DirectHandler.defaultHandler();
        DirectHandler tooLarge = new DirectHandler() {
            @Override
            public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                    ServerResponseHeaders headers, String message) {
                if (status.code() != Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
                    return plain.handle(request, eventType, status, headers, message);
                }
                ObjectNode n = JSON.createObjectNode();
                String text = "request body is larger than " + limit + " bytes";
                if (request.path().startsWith("/api/v1/timestamp")) {
                    n.put("code", 413).put("message", text);
                } else {
                    n.put("code", CaException.Code.RESOURCE_EXHAUSTED.grpc()).put("message", text);
                    n.putArray("details");
                }
                return TransportResponse.builder().status(status).headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, "application/json").keepAlive(false)
                        .entity(n.toString()).build();
            }
        };
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, tooLarge);
        }
        return b.build();
    }

    static void send(ServerResponse res, CaException e) {
        send(res, e.code(), e.getMessage());
    }

    static void send(ServerResponse res, CaException.Code code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("code", code.grpc());
        n.put("message", message);
        n.putArray("details");
        res.status(Status.create(code.http()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(n.toString());
    }
}
