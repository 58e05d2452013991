package dev.sigstack.ca.devissuer;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP face of the {@link DevIssuer}: discovery, JWKS, and {@code /token?sub=...&email=...&aud=...} (GET or POST
 * form) answering {@code {"access_token", "id_token", "token_type", "expires_in"}}.
 */
public final class DevIssuerService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DevIssuer issuer;

    public DevIssuerService(DevIssuer issuer) {
        this.issuer = issuer;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/.well-known/openid-configuration", this::discovery)
            .get("/jwks", (req, res) -> send(res, issuer.publicKeys().toString(true)))
            .get("/token", this::token)
            .post("/token", this::token);
    }

    private void discovery(ServerRequest req, ServerResponse res) {
        String base = issuer.issuerUrl();
        send(res, json(Map.of("issuer", base, "jwks_uri", base + "/jwks", "token_endpoint", base + "/token",
            "authorization_endpoint", base + "/authorize", "response_types_supported", new String[] {"id_token"},
            "subject_types_supported", new String[] {"public"}, "id_token_signing_alg_values_supported", new String[] {"ES256"})));
    }

    private void token(ServerRequest req, ServerResponse res) {
        Map<String, String> p = new java.util.HashMap<>();
        req.query().names().forEach(n -> p.put(n, req.query().first(n).orElse("")));
        if (req.prologue().method().text().equals("POST")) {
            String body = req.content().as(String.class);
            for (String kv : body.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0) {
                    p.put(java.net.URLDecoder.decode(kv.substring(0, i), java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(kv.substring(i + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        String sub = p.get("sub");
        String email = p.get("email");
        if ((sub == null || sub.isBlank()) && (email == null || email.isBlank())) {
            res.status(Status.BAD_REQUEST_400);
            send(res, json(Map.of("error", "invalid_request", "error_description", "sub or email is required")));
            return;
        }
        String token = issuer.mint(sub, email, p.get("aud"), Map.of());
        send(res, json(Map.of("access_token", token, "id_token", token, "token_type", "Bearer",
            "expires_in", DevIssuer.TOKEN_LIFETIME.toSeconds())));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
