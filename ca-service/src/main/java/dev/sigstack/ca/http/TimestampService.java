package dev.sigstack.ca.http;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.ca.tsa.TimestampAuthority;

/**
 * sigstore timestamp-authority's API: {@code POST /api/v1/timestamp} with a DER
 * {@code application/timestamp-query} or the JSON form ({@code artifactHash} base64, {@code hashAlgorithm},
 * {@code nonce}, {@code certificates}, {@code tsaPolicyOID}); answers {@code application/timestamp-reply}.
 * {@code GET /api/v1/timestamp/certchain} answers the PEM chain; {@code GET /ping} is its probe. As timestamp-authority: any other request type, or
 * none, is 415 (its openapi.yaml consumes only these two); JSON requests over 1,024 bytes are refused before parsing.
 */
public final class TimestampService implements HttpService {
    private static final io.helidon.http.HeaderName X_ACCEL_EXPIRES = HeaderNames.create("X-Accel-Expires");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_JSON_BODY = 1024;
    private static final String DER_TYPE = "application/timestamp-query";
    private static final String JSON_TYPE = "application/json";
    private static final Map<String, ASN1ObjectIdentifier> HASHES = Map.of("sha256", TSPAlgorithms.SHA256,
        "sha384", TSPAlgorithms.SHA384, "sha512", TSPAlgorithms.SHA512);
    private final TimestampAuthority tsa;

    public TimestampService(TimestampAuthority tsa) {
        this.tsa = tsa;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/v1/timestamp", this::timestamp).get("/api/v1/timestamp/certchain", this::chain)
            .get("/ping", TimestampService::ping)
            .any("/api/v1/timestamp", (req, res) -> methodNotAllowed(req, res, "POST"))
            .any("/api/v1/timestamp/certchain", (req, res) -> methodNotAllowed(req, res, "GET"));
    }

    /** go-openapi's router answer to a known path with another method: 405, {@code Allow}, {@code {code, message}}. */
    private static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
        res.header(HeaderNames.ALLOW, allowed);
        error(res, Status.METHOD_NOT_ALLOWED_405, "method " + req.prologue().method().text() + " is not allowed, but [" + allowed + "] are");
    }

    /** timestamp-authority's liveness probe (chi's Heartbeat): 200 {@code .} as text. */
    private static void ping(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain");
        res.send(".");
    }

    private void timestamp(ServerRequest req, ServerResponse res) {
        // timestamp-authority's NoCache middleware (chi) on this route
        res.header(HeaderNames.CACHE_CONTROL, "no-cache, no-store, no-transform, must-revalidate, private, max-age=0");
        res.header(HeaderNames.PRAGMA, "no-cache");
        res.header(HeaderNames.EXPIRES, "Thu, 01 Jan 1970 00:00:00 GMT"); // chi formats it with http.TimeFormat
        res.header(X_ACCEL_EXPIRES, "0");
        byte[] body = req.content().as(byte[].class);
        if (body.length > MAX_BODY) {
            error(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "request body is too large");
            return;
        }
        String type = req.headers().contentType().map(t -> t.mediaType().text().toLowerCase(Locale.ROOT)).orElse("");
        if (!type.equals(DER_TYPE) && !type.equals(JSON_TYPE)) {
            error(res, Status.UNSUPPORTED_MEDIA_TYPE_415,
                "unsupported media type \"" + type + "\", only [" + DER_TYPE + " " + JSON_TYPE + "] are allowed");
            return;
        }
        if (type.equals(JSON_TYPE) && body.length > MAX_JSON_BODY) {
            error(res, Status.BAD_REQUEST_400, "timestamp request is too large: over " + MAX_JSON_BODY + " bytes");
            return;
        }
        TimeStampRequest request;
        try {
            request = type.equals(JSON_TYPE) ? fromJson(body) : new TimeStampRequest(body);
        } catch (IOException | IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, "invalid timestamp request: " + e.getMessage());
            return;
        }
        TimeStampResponse response = tsa.respond(request);
        if (response.getStatus() > 1) {
            error(res, Status.BAD_REQUEST_400, "timestamp request rejected: " + response.getStatusString());
            return;
        }
        try {
            res.header(HeaderNames.CONTENT_TYPE, "application/timestamp-reply");
            res.send(response.getEncoded());
        } catch (IOException e) {
            error(res, Status.INTERNAL_SERVER_ERROR_500, "cannot encode the timestamp response");
        }
    }

    private static TimeStampRequest fromJson(byte[] body) throws IOException {
        JsonNode n = JSON.readTree(body);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
        String alg = n.path("hashAlgorithm").asText("sha256").toLowerCase(Locale.ROOT).replace("-", "");
        ASN1ObjectIdentifier oid = HASHES.get(alg);
        if (oid == null) {
            throw new IllegalArgumentException("hashAlgorithm must be sha256, sha384 or sha512");
        }
        byte[] hash = Base64.getDecoder().decode(n.path("artifactHash").asText(""));
        int expected = switch (alg) {
            case "sha256" -> 32;
            case "sha384" -> 48;
            default -> 64;
        };
        if (hash.length != expected) {
            throw new IllegalArgumentException("artifactHash must be " + expected + " bytes for " + alg);
        }
        TimeStampRequestGenerator g = new TimeStampRequestGenerator();
        g.setCertReq(n.path("certificates").asBoolean(false));
        String policy = n.path("tsaPolicyOID").asText("");
        if (!policy.isEmpty()) {
            g.setReqPolicy(new ASN1ObjectIdentifier(policy));
        }
        JsonNode nonce = n.get("nonce");
        return nonce == null || nonce.isNull() ? g.generate(oid, hash) : g.generate(oid, hash, new BigInteger(nonce.asText()));
    }

    private void chain(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder();
        tsa.chain().forEach(c -> sb.append(Pem.certificate(c)));
        res.header(HeaderNames.CACHE_CONTROL, "max-age=86400, immutable");
        res.header(HeaderNames.CONTENT_TYPE, "application/pem-certificate-chain");
        res.send(sb.toString());
    }

    private static void error(ServerResponse res, Status status, String message) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(JSON.createObjectNode().put("code", status.code()).put("message", message).toString());
    }
}
