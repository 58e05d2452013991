package dev.sigstack.tlog.rekor;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies up to a limit; beyond it, Rekor's 413. */
final class Bodies {
    private Bodies() {
    }

    static byte[] read(ServerRequest req, long limit) throws ApiError {
        var length = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (length.isPresent()) {
            try {
                if (Long.parseLong(length.get().trim()) > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("invalid Content-Length");
            }
        }
        if (!req.content().hasEntity()) {
            throw new ApiError(400, "parsing body body from \"\" failed, because EOF");
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw ApiError.badRequest("cannot read request body: " + e.getMessage());
        }
    }

    /** Made only when needed: an exception's stack trace costs more than reading a small body. */
    private static ApiError tooLarge(long limit) {
        return new ApiError(413, "Request Entity Too Large. Limit set to " + limit);
    }
}
