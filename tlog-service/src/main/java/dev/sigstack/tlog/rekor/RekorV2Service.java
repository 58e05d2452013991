package dev.sigstack.tlog.rekor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.RekorV2Entries;
import dev.sigstack.tlog.DuplicateEntryException;
import dev.sigstack.tlog.LogEngine;
import dev.sigstack.tlog.PushbackException;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * The Rekor v2 write API ({@code sigstore/rekor-tiles}): {@code POST /api/v2/log/entries} with a
 * {@code CreateEntryRequest} (protobuf JSON, {@code hashedRekordRequestV002}) answers 201 with a
 * {@code TransparencyLogEntry}. Errors are grpc-gateway's {@code {code, message, details}}, where {@code code} is
 * the gRPC status code, under the HTTP status rekor-tiles maps it to. The tlog-tiles read API is served elsewhere.
 */
public final class RekorV2Service implements HttpService {
    private final LogEngine engine;
    private final byte[] logId;
    private final RekorLimits limits;

    /**
     * @param engine the v2 log; its checkpoints are signed notes with origin and signer name = the hostname
     * @param logPublicKey the checkpoint key (ECDSA or Ed25519), for the log ID
     */
    public RekorV2Service(LogEngine engine, PublicKey logPublicKey, RekorLimits limits) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.logId = RekorV2Entries.logId(engine.origin(), logPublicKey);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The log ID clients find in the trusted root. */
    public byte[] logId() {
        return logId.clone();
    }

    @Override
    public void routing(HttpRules rules) {
        // rekor-tiles' grpc-gateway WithHealthzEndpoint: its health service always answers SERVING
        rules.get("/healthz", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send("{\"status\":\"SERVING\"}\n".getBytes(StandardCharsets.US_ASCII));
        });
        rules.post("/api/v2/log/entries", (req, res) -> {
            try {
                create(req, res);
            } catch (ApiError e) {
                sendGrpcError(res, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sendGrpcError(res, new ApiError(503, "interrupted"));
            }
        });
    }

    private void create(ServerRequest req, ServerResponse res) throws ApiError, InterruptedException {
        RekorV2Entries.V2Entry entry;
        try {
            entry = RekorV2Entries.fromCreateEntryRequest(Bodies.read(req, limits.maxRequestBytes()));
        } catch (ProposedEntryException.UnknownKind e) {
            throw new ApiError(400, "invalid type, must be hashedrekord");
        } catch (ProposedEntryException e) {
            throw new ApiError(400, "invalid hashedrekord request: " + e.getMessage());
        }
        LogEngine.Sequenced seq;
        try {
            seq = engine.add(new LogEngine.NewEntry(entry.body(), entry.leafHash(), List.of(), null));
        } catch (DuplicateEntryException e) {
            throw new ApiError(409, "an equivalent entry already exists in the log at index " + e.existingIndex())
                    .header("x-log-index", Long.toString(e.existingIndex())); // rekor-tiles' forwarded duplicate header
        } catch (PushbackException e) {
            throw new ApiError(503, "reached max pushback; retry")
                    .header("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        } catch (IllegalArgumentException e) {
            throw new ApiError(413, "entry is too large for the log: " + e.getMessage());
        }
        LogEngine.PublishedCheckpoint cp;
        try {
            cp = engine.awaitIntegrated(seq.index(), limits.integrationTimeout());
        } catch (IllegalStateException e) {
            cp = engine.checkpoint();
        }
        if (cp.size() <= seq.index()) {
            throw new ApiError(503, "entry " + seq.index() + " is sequenced but not yet integrated; retry");
        }
        TransparencyLogEntry tle = RekorV2Entries.transparencyLogEntry(seq.index(), logId, entry.kindVersion(), 0, null,
                cp.size(), cp.rootHash(), engine.inclusionProof(seq.index(), cp.size()), cp.signedNote(), entry.body());
        res.status(Status.CREATED_201);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(RekorV2Entries.toJson(tle).getBytes(StandardCharsets.UTF_8));
    }

    /** grpc-gateway's error body; {@code code} is the gRPC code for the HTTP status. */
    private static void sendGrpcError(ServerResponse res, ApiError e) {
        ObjectNode body = ApiError.JSON.createObjectNode();
        body.put("code", grpcCode(e.status()));
        body.put("message", e.getMessage());
        body.putArray("details");
        e.send(res, body);
    }

    static int grpcCode(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 3;  // INVALID_ARGUMENT
            case 404 -> 5;  // NOT_FOUND
            case 409 -> 6;  // ALREADY_EXISTS
            case 413 -> 8;  // RESOURCE_EXHAUSTED
            case 503 -> 14; // UNAVAILABLE
            default -> 2;   // UNKNOWN
        };
    }
}
