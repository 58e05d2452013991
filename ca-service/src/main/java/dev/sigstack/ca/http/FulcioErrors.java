package dev.sigstack.ca.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
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
