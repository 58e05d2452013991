package dev.sigstack.tlog.rekor;

import dev.sigstack.tlog.internal.RequestBodies;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;

/** Reads request bodies up to a limit (Content-Length or chunked); beyond it, Rekor's 413 and the connection closed. */
final class Bodies {
    private Bodies() {
    }

    static byte[] read(ServerRequest req, long limit) throws ApiError {
        byte[] body;
        try {
            body = RequestBodies.read(req, limit);
        } catch (RequestBodies.TooLargeException e) {
            // closed: the server would otherwise read and drop the rest of the body, up to its own limit
            throw new ApiError(413, e.getMessage()).header("Connection", "close");
        } catch (IOException e) {
            throw ApiError.badRequest("cannot read request body: " + e.getMessage());
        }
        if (body.length == 0) {
            throw new ApiError(400, "parsing body body from \"\" failed, because EOF");
        }
        return body;
    }
}
