package dev.sigstack.ca.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
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

import dev.sigstack.ca.CaException;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.ca.SigningService;
import dev.sigstack.ca.SigningService.KeyRequest;

/**
 * {@code POST /api/v2/signingCert} (JSON of {@code CreateSigningCertificateRequest}, proto3 JSON names in
 * lowerCamel or snake case) and the legacy {@code POST /api/v1/signingCert} (201,
 * {@code application/pem-certificate-chain}). The token comes from {@code credentials.oidcIdentityToken} or
 * {@code Authorization: Bearer}.
 */
public final class SigningCertService implements HttpService {
    /** Larger request bodies are refused. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SigningService signing;

    /** The CA server's answers to a body over {@link #MAX_BODY_BYTES} (its {@code maxPayloadSize}): 413 with JSON. */
    public static io.helidon.webserver.http.DirectHandlers tooLargeHandlers() {
        return FulcioErrors.directHandlers(MAX_BODY_BYTES);
    }

    public SigningCertService(SigningService signing) {
        this.signing = signing;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/api/v2/signingCert", this::v2).post("/api/v1/signingCert", this::v1)
            .any("/api/v2/signingCert", FulcioErrors::methodNotAllowed).any("/api/v1/signingCert", FulcioErrors::methodNotAllowed);
    }

    private void v2(ServerRequest req, ServerResponse res) {
        try {
            JsonNode body = body(req);
            String token = field(body.path("credentials"), "oidcIdentityToken", "oidc_identity_token")
                .filter(s -> !s.isEmpty()).orElseGet(() -> bearer(req));
            KeyRequest key = null;
            JsonNode pkr = node(body, "publicKeyRequest", "public_key_request");
            Optional<String> csr = field(body, "certificateSigningRequest", "certificate_signing_request");
            if (csr.isPresent() && !csr.get().isEmpty()) {
                key = new KeyRequest.CsrRequest(base64(csr.get(), "certificateSigningRequest"));
            } else if (pkr != null) {
                JsonNode pk = node(pkr, "publicKey", "public_key");
                String content = pk == null ? null : field(pk, "content", "content").orElse(null);
                String pop = field(pkr, "proofOfPossession", "proof_of_possession").orElse("");
                key = new KeyRequest.PublicKeyRequest(content, base64(pop, "proofOfPossession"));
            }
            List<X509Certificate> chain = signing.createSigningCertificate(token, key);
            ObjectNode out = JSON.createObjectNode();
            ArrayNode certs = out.putObject("signedCertificateEmbeddedSct").putObject("chain").putArray("certificates");
            chain.forEach(c -> certs.add(Pem.certificate(c)));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(out));
        } catch (CaException e) {
            FulcioErrors.send(res, e);
        } catch (IOException e) {
            FulcioErrors.send(res, CaException.Code.INTERNAL, "cannot encode response");
        }
    }

    private void v1(ServerRequest req, ServerResponse res) {
        try {
            JsonNode body = body(req);
            String token = bearer(req);
            KeyRequest key;
            Optional<String> csr = field(body, "certificateSigningRequest", "certificate_signing_request");
            if (csr.isPresent() && !csr.get().isEmpty()) {
                key = new KeyRequest.CsrRequest(base64(csr.get(), "certificateSigningRequest"));
            } else {
                JsonNode pk = node(body, "publicKey", "public_key");
                if (pk == null) {
                    throw new CaException(CaException.Code.INVALID_ARGUMENT,
                        "The public key supplied in the request could not be parsed: public key not provided");
                }
                byte[] content = base64(field(pk, "content", "content").orElse(""), "publicKey.content");
                String text = new String(content, StandardCharsets.US_ASCII);
                String keyText = text.contains("-----BEGIN") ? text : Base64.getEncoder().encodeToString(content);
                key = new KeyRequest.PublicKeyRequest(keyText,
                    base64(field(body, "signedEmailAddress", "signed_email_address").orElse(""), "signedEmailAddress"));
            }
            List<X509Certificate> chain = signing.createSigningCertificate(token, key);
            StringBuilder sb = new StringBuilder();
            chain.forEach(c -> sb.append(Pem.certificate(c)));
            res.status(Status.CREATED_201);
            res.header(HeaderNames.CONTENT_TYPE, "application/pem-certificate-chain");
            res.send(sb.toString().strip());
        } catch (CaException e) {
            FulcioErrors.send(res, e);
        }
    }

    private static JsonNode body(ServerRequest req) throws CaException {
        byte[] bytes = req.content().as(byte[].class);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new CaException(CaException.Code.INVALID_ARGUMENT, "request body is too large");
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new CaException(CaException.Code.INVALID_ARGUMENT, "request body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new CaException(CaException.Code.INVALID_ARGUMENT, "request body is not valid JSON");
        }
    }

    private static String bearer(ServerRequest req) {
        Optional<String> h = req.headers().first(HeaderNames.AUTHORIZATION);
        if (h.isPresent() && h.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return h.get().substring(7).strip();
        }
        return null;
    }

    private static JsonNode node(JsonNode n, String camel, String snake) {
        JsonNode v = n.get(camel);
        if (v == null) {
            v = n.get(snake);
        }
        return v == null || v.isNull() ? null : v;
    }

    private static Optional<String> field(JsonNode n, String camel, String snake) {
        JsonNode v = n == null ? null : node(n, camel, snake);
        return v == null ? Optional.empty() : Optional.of(v.asText());
    }

    private static byte[] base64(String s, String name) throws CaException {
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new CaException(CaException.Code.INVALID_ARGUMENT, name + " must be base64");
        }
    }
}
