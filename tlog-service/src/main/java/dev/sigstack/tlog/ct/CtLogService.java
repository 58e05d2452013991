package dev.sigstack.tlog.ct;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.sigstack.core.ct.Sct;
import dev.sigstack.tlog.PushbackException;
import dev.sigstack.tlog.internal.RequestBodies;

/**
 * RFC 6962 §4 HTTP endpoints of a {@link CtLog} at their full paths {@code /ct/v1/...}: register at the root of
 * the log's server ({@code routing.register(new CtLogService(log))}). Errors answer a status with a
 * plain-text reason: 400 for bad input, 404 for an unknown leaf hash, 503 with Retry-After under pushback.
 */
public final class CtLogService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest add-chain or add-pre-chain body: a chain of a few certificates, base64 in JSON. */
    public static final int MAX_BODY = 512 * 1024;
    /** RFC 6962 §4: every endpoint is under {@code <log server>/ct/v1/}. */
    public static final String PREFIX = "/ct/v1/";
    private final CtLog log;

    public CtLogService(CtLog log) {
        this.log = log;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(PREFIX + "add-chain", (req, res) -> add(req, res, false))
            .post(PREFIX + "add-pre-chain", (req, res) -> add(req, res, true))
            .get(PREFIX + "get-sth", this::sth)
            .get(PREFIX + "get-sth-consistency", this::consistency)
            .get(PREFIX + "get-proof-by-hash", this::proofByHash)
            .get(PREFIX + "get-entries", this::entries)
            .get(PREFIX + "get-roots", this::roots);
    }

    private void add(ServerRequest req, ServerResponse res, boolean pre) {
        List<byte[]> chain = new ArrayList<>();
        try {
            byte[] body;
            try {
                body = RequestBodies.read(req, MAX_BODY); // Content-Length or chunked: at most MAX_BODY + 1 held
            } catch (RequestBodies.TooLargeException e) {
                // Rekor's error model, as every log server of the stack answers a body over its limit
                res.status(Status.REQUEST_ENTITY_TOO_LARGE_413);
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(RequestBodies.rekorError(MAX_BODY));
                return;
            }
            JsonNode arr = JSON.readTree(body).get("chain");
            if (arr == null || !arr.isArray()) {
                error(res, Status.BAD_REQUEST_400, "body must be {\"chain\": [base64 DER certificates]}");
                return;
            }
            for (JsonNode n : arr) {
                chain.add(Base64.getDecoder().decode(n.asText()));
            }
        } catch (IOException | IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, "body must be {\"chain\": [base64 DER certificates]}");
            return;
        }
        try {
            Sct sct = pre ? log.addPreChain(chain) : log.addChain(chain);
            ObjectNode out = JSON.createObjectNode();
            out.put("sct_version", 0);
            out.put("id", Base64.getEncoder().encodeToString(sct.logId()));
            out.put("timestamp", sct.timestamp());
            out.put("extensions", Base64.getEncoder().encodeToString(sct.extensions()));
            out.put("signature", Base64.getEncoder().encodeToString(sct.signature().encode()));
            json(res, out);
        } catch (InvalidChainException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage());
        } catch (PushbackException e) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            error(res, Status.SERVICE_UNAVAILABLE_503, "log is busy, retry later");
        }
    }

    private void sth(ServerRequest req, ServerResponse res) {
        CtLog.SignedTreeHead sth = log.signedTreeHead();
        ObjectNode out = JSON.createObjectNode();
        out.put("tree_size", sth.head().treeSize());
        out.put("timestamp", sth.head().timestamp());
        out.put("sha256_root_hash", Base64.getEncoder().encodeToString(sth.head().rootHash()));
        out.put("tree_head_signature", Base64.getEncoder().encodeToString(sth.signature().encode()));
        json(res, out);
    }

    private void consistency(ServerRequest req, ServerResponse res) {
        Optional<Long> first = longParam(req, "first");
        Optional<Long> second = longParam(req, "second");
        if (first.isEmpty() || second.isEmpty()) {
            error(res, Status.BAD_REQUEST_400, "first and second are required non-negative integers");
            return;
        }
        try {
            ObjectNode out = JSON.createObjectNode();
            ArrayNode arr = out.putArray("consistency");
            log.consistency(first.get(), second.get()).forEach(h -> arr.add(Base64.getEncoder().encodeToString(h)));
            json(res, out);
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage());
        }
    }

    private void proofByHash(ServerRequest req, ServerResponse res) {
        Optional<String> hash = req.query().first("hash").asOptional();
        Optional<Long> size = longParam(req, "tree_size");
        if (hash.isEmpty() || size.isEmpty()) {
            error(res, Status.BAD_REQUEST_400, "hash and tree_size are required");
            return;
        }
        byte[] h;
        try {
            h = Base64.getDecoder().decode(hash.get().replace(' ', '+'));
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, "hash must be base64");
            return;
        }
        if (h.length != 32) {
            error(res, Status.BAD_REQUEST_400, "hash must be a 32-byte SHA-256 leaf hash");
            return;
        }
        try {
            Optional<CtLog.InclusionProof> proof = log.proofByHash(h, size.get());
            if (proof.isEmpty()) {
                error(res, Status.NOT_FOUND_404, "no leaf with that hash in the tree of that size");
                return;
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("leaf_index", proof.get().leafIndex());
            ArrayNode arr = out.putArray("audit_path");
            proof.get().auditPath().forEach(p -> arr.add(Base64.getEncoder().encodeToString(p)));
            json(res, out);
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage());
        }
    }

    private void entries(ServerRequest req, ServerResponse res) {
        Optional<Long> start = longParam(req, "start");
        Optional<Long> end = longParam(req, "end");
        if (start.isEmpty() || end.isEmpty()) {
            error(res, Status.BAD_REQUEST_400, "start and end are required non-negative integers");
            return;
        }
        try {
            ObjectNode out = JSON.createObjectNode();
            ArrayNode arr = out.putArray("entries");
            for (CtLog.LeafEntry e : log.entries(start.get(), end.get())) {
                ObjectNode n = arr.addObject();
                n.put("leaf_input", Base64.getEncoder().encodeToString(e.leafInput()));
                n.put("extra_data", Base64.getEncoder().encodeToString(e.extraData()));
            }
            json(res, out);
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage());
        }
    }

    private void roots(ServerRequest req, ServerResponse res) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("certificates");
        for (X509Certificate c : log.roots()) {
            try {
                arr.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        json(res, out);
    }

    private static Optional<Long> longParam(ServerRequest req, String name) {
        Optional<String> v = req.query().first(name).asOptional();
        try {
            return v.map(Long::parseLong).filter(l -> l >= 0);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void json(ServerResponse res, JsonNode n) {
        try {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(ServerResponse res, Status status, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.send(message);
    }
}
