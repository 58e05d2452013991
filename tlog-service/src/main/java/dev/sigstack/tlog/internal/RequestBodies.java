package dev.sigstack.tlog.internal;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies read up to a limit, with a {@code Content-Length} or chunked: no more than the limit plus one byte
 * is ever held. The server's own limit ({@code maxPayloadSize}, which Helidon also counts over chunks) bounds
 * everything; an endpoint with a smaller limit reads through here.
 *
 * <p>A refused request's connection is not closed by the endpoint: after the 413 the server reads and drops the
 * rest of the body (up to its own limit, then it closes). Closing at once reset the connection under a client that
 * was still sending, which then saw "no bytes" instead of the 413 (RekorEntriesPropertiesTest caught it).
 */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** A body over the limit. */
    public static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLargeException(long limit) {
            super(message(limit), null, false, false); // no stack trace: refusals are cheap
        }
    }

    /** Rekor's wording for a body over the limit. */
    public static String message(long limit) {
        return "Request Entity Too Large. Limit set to " + limit;
    }

    /**
     * The whole body (empty when there is none), or {@link TooLargeException} as soon as it is known to be over
     * {@code limit}: from the {@code Content-Length}, else after {@code limit + 1} bytes, else when the server's own
     * limit stops a chunked body.
     *
     * @throws IOException when the body cannot be read (bad framing, a Content-Length that is not a number)
     */
    public static byte[] read(ServerRequest req, long limit) throws TooLargeException, IOException {
        var length = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (length.isPresent()) {
            try {
                if (Long.parseLong(length.get().trim()) > limit) {
                    throw new TooLargeException(limit);
                }
            } catch (NumberFormatException e) {
                throw new IOException("invalid Content-Length");
            }
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try {
            InputStream in = req.content().inputStream();
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw new TooLargeException(limit);
            }
            return body;
        } catch (RequestException e) {
            // the server's limit, counted over chunks, ends the body early
            if (e.status().code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
                throw new TooLargeException(limit);
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The server-wide answer to a body over the server's limit, which Helidon refuses before routing from the
     * {@code Content-Length}: 413 with Rekor's error model as JSON ({@code body} renders it), and the connection
     * closed. Other refusals before routing keep Helidon's default answer.
     */
    public static DirectHandlers tooLargeAsJson(long limit, java.util.function.LongFunction<String> body) {
        DirectHandler plain = DirectHandler.defaultHandler();
        DirectHandler json = new DirectHandler() {
            @Override
            public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                    io.helidon.http.ServerResponseHeaders headers, String message) {
                if (status.code() != Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
                    return plain.handle(request, eventType, status, headers, message);
                }
                return TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderValues.CONTENT_TYPE_JSON)
                        .keepAlive(false)
                        .entity(body.apply(limit).getBytes(StandardCharsets.UTF_8))
                        .build();
            }
        };
        var b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, json);
        }
        return b.build();
    }

    /** Rekor's error model: {@code {"code": 413, "message": "Request Entity Too Large. Limit set to N"}}. */
    public static String rekorError(long limit) {
        return "{\"code\":413,\"message\":\"" + message(limit) + "\"}";
    }
}
