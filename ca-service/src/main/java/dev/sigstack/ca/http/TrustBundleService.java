package dev.sigstack.ca.http;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.ca.identity.IdentityConfig;
import dev.sigstack.ca.identity.OidcIssuer;

/**
 * {@code GET /api/v2/trustBundle}, {@code GET /api/v2/configuration}, the legacy {@code GET /api/v1/rootCert} and
 * Fulcio's probe {@code GET /healthz}.
 */
public final class TrustBundleService implements HttpService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<List<List<X509Certificate>>> chains;
    private final IdentityConfig identity;

    public TrustBundleService(Supplier<List<List<X509Certificate>>> chains, IdentityConfig identity) {
        this.chains = chains;
        this.identity = identity;
    }

    /** The chains of the trust bundle: the current one first, then earlier ones that are still valid. */
    public List<List<X509Certificate>> chains() {
        return chains.get();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v2/trustBundle", this::trustBundle)
            .get("/api/v2/configuration", this::configuration)
            .get("/api/v1/rootCert", this::rootCert)
            .get("/healthz", TrustBundleService::healthz)
            .any("/api/v2/trustBundle", FulcioErrors::methodNotAllowed)
            .any("/api/v2/configuration", FulcioErrors::methodNotAllowed)
            .any("/api/v1/rootCert", FulcioErrors::methodNotAllowed);
    }

    /** grpc-gateway's {@code /healthz} of Fulcio's HTTP port (its gRPC health check always answers SERVING). */
    private static void healthz(ServerRequest req, ServerResponse res) {
        json(res, JSON.createObjectNode().put("status", "SERVING"));
    }

    private void trustBundle(ServerRequest req, ServerResponse res) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("chains");
        for (List<X509Certificate> chain : chains.get()) {
            ArrayNode certs = arr.addObject().putArray("certificates");
            chain.forEach(c -> certs.add(Pem.certificate(c)));
        }
        json(res, out);
    }

    private void configuration(ServerRequest req, ServerResponse res) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode arr = out.putArray("issuers");
        identity.oidcIssuers().values().forEach(i -> issuer(arr.addObject(), i, "issuerUrl", i.issuerUrl()));
        identity.metaIssuers().forEach((k, i) -> issuer(arr.addObject(), i, "wildcardIssuerUrl", k));
        json(res, out);
    }

    /** Every field, empty or false when unset, as grpc-gateway's marshaler (EmitUnpopulated) writes them. */
    private static void issuer(ObjectNode n, OidcIssuer i, String urlField, String url) {
        n.put(urlField, url);
        n.put("audience", orEmpty(i.clientId()));
        n.put("challengeClaim", orEmpty(i.effectiveChallengeClaim()));
        n.put("spiffeTrustDomain", orEmpty(i.spiffeTrustDomain()));
        n.put("issuerType", orEmpty(i.type().configName()));
        n.put("subjectDomain", orEmpty(i.subjectDomain()));
        n.put("skipEmailVerification", i.skipEmailVerification());
    }

    private static String orEmpty(String v) {
        return v == null ? "" : v;
    }

    private void rootCert(ServerRequest req, ServerResponse res) {
        StringBuilder sb = new StringBuilder();
        chains.get().forEach(chain -> chain.forEach(c -> sb.append(Pem.certificate(c))));
        res.header(HeaderNames.CONTENT_TYPE, "application/pem-certificate-chain");
        res.send(sb.toString().strip());
    }

    private static void json(ServerResponse res, ObjectNode n) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(n.toString());
    }
}
