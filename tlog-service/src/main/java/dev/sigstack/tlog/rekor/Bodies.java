package dev.sigstack.tlog.rekor;

import dev.sigstack.tlog.internal.RequestBodies;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;

/** Reads request bodies up to a limit (Content-Length or chunked); beyond it, Rekor's 413. */
final class Bodies {
    private Bodies() {
    }

    static byte[] read(ServerRequest req, long limit) throws ApiError {
        byte[] body;
        try {
            body = RequestBodies.read(req, limit);
        } catch (RequestBodies.TooLargeException e) {
            throw new ApiError(413, e.getMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("cannot read request body: " + e.getMessage());
        }
        if (body.length == 0) {
            throw new ApiError(400, "parsing body body from \"\" failed, because EOF");
        }
        return body;
    }
}
