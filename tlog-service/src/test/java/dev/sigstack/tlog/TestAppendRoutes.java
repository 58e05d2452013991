package dev.sigstack.tlog;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * TEST-ONLY raw append route, registered through {@link TlogServer.RoutingExtension} by {@link TestTlogMain}
 * only (never by main code), for the benchmark's engine-over-HTTP rows next to the Rekor v1 API:
 * {@code POST /test/append} takes the body as leaf data, its SHA-256 as dedup key, and answers 201 with the index
 * as text as soon as {@link LogEngine#add} returns (no entry parsing, no signature, no wait for integration), 409
 * for a duplicate, 503 with Retry-After on pushback.
 */
final class TestAppendRoutes implements TlogServer.RoutingExtension {
    @Override
    public void extend(HttpRouting.Builder routing, LogEngine engine, KeyPair logKey) {
        routing.post("/test/append", (req, res) -> append(engine, req.content().as(byte[].class), res));
    }

    private static void append(LogEngine engine, byte[] body, ServerResponse res) {
        if (body.length == 0) {
            res.status(Status.BAD_REQUEST_400).send("empty entry");
            return;
        }
        try {
            LogEngine.Sequenced s = engine.add(new LogEngine.NewEntry(body, sha256(body), List.of(), null));
            res.status(Status.CREATED_201).send(Long.toString(s.index()));
        } catch (DuplicateEntryException e) {
            res.status(Status.CONFLICT_409).send(e.getMessage());
        } catch (PushbackException e) {
            res.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.RETRY_AFTER, "1").send(e.getMessage());
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
