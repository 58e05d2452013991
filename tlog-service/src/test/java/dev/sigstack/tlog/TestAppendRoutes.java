package dev.sigstack.tlog;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * TEST-ONLY write routes, registered through {@link TlogServer.RoutingExtension} by {@link TestTlogMain} only
 * (never by main code), until the Rekor v1 API is wired in:
 * <ul>
 *   <li>{@code POST /test/append}: the body is the leaf data; dedup key is its SHA-256; answers 201 with the
 *       index as text, 409 with the existing index for a duplicate, 503 with Retry-After on pushback.</li>
 *   <li>{@code POST /test/append-signed}: as above after {@link EntryCrypto#verify} (400 when it fails), and the
 *       201 answer carries a SET signed with the log key: the per-entry cryptography of a hashedrekord append.</li>
 * </ul>
 */
final class TestAppendRoutes implements TlogServer.RoutingExtension {
    @Override
    public void extend(HttpRouting.Builder routing, LogEngine engine, KeyPair logKey) {
        routing.post("/test/append", (req, res) -> append(engine, req.content().as(byte[].class), res, null))
                .post("/test/append-signed", (req, res) -> {
                    byte[] body = req.content().as(byte[].class);
                    if (!EntryCrypto.verify(body)) {
                        res.status(Status.BAD_REQUEST_400).send("signature does not verify");
                        return;
                    }
                    append(engine, body, res, logKey);
                });
    }

    private static void append(LogEngine engine, byte[] body, ServerResponse res, KeyPair setKey) {
        if (body.length == 0) {
            res.status(Status.BAD_REQUEST_400).send("empty entry");
            return;
        }
        try {
            LogEngine.Sequenced s = engine.add(new LogEngine.NewEntry(body, sha256(body), List.of(), null));
            String answer = Long.toString(s.index());
            if (setKey != null) {
                answer += " " + EntryCrypto.signSet(setKey.getPrivate(), body, s.index(), s.integratedTimeMillis());
            }
            res.status(Status.CREATED_201).send(answer);
        } catch (DuplicateEntryException e) {
            res.status(Status.CONFLICT_409).send(e.getMessage());
        } catch (PushbackException e) {
            res.status(Status.SERVICE_UNAVAILABLE_503).header(HeaderNames.RETRY_AFTER, "1").send(e.getMessage());
        } catch (GeneralSecurityException e) {
            res.status(Status.INTERNAL_SERVER_ERROR_500).send("SET signing failed");
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
