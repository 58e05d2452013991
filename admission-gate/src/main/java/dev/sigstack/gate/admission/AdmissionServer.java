package dev.sigstack.gate.admission;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The webhook's HTTPS server: {@code POST /validate} and {@code POST /mutate} (AdmissionReview v1),
 * {@code POST /validate-policy} (ClusterImagePolicy and TrustRoot resources),
 * {@code GET /metrics} (Prometheus) and {@code GET /healthz}. Handlers are thin; a malformed review is a 400, and
 * everything else is answered by {@link AdmissionHandler}, which fails closed.
 */
public final class AdmissionServer implements AutoCloseable {
    private static final int MAX_BODY = 8 << 20;
    private final WebServer server;

    private AdmissionServer(WebServer server) {
        this.server = server;
    }

    /** Starts on {@code host:port} (0 for any free port) with the serving key and certificate chain. */
    public static AdmissionServer start(String host, int port, PrivateKey key, List<X509Certificate> chain,
            AdmissionHandler handler, GateMetrics metrics) {
        return start(host, port, key, chain, handler, null, metrics);
    }

    /** Also serves {@code POST /validate-policy} for ClusterImagePolicy and TrustRoot resources. */
    public static AdmissionServer start(String host, int port, PrivateKey key, List<X509Certificate> chain,
            AdmissionHandler handler, PolicyAdmission policies, GateMetrics metrics) {
        return start(host, port, key, chain, List.of(), handler, policies, metrics);
    }

    /**
     * With client authentication: when {@code clientCas} is not empty, a client must present a certificate issued by
     * one of them, or the TLS handshake fails before any request is read. This is how only the API server talks to
     * the gate: it presents a client certificate to webhooks through its AdmissionConfiguration kubeconfig.
     */
    public static AdmissionServer start(String host, int port, PrivateKey key, List<X509Certificate> chain,
            List<X509Certificate> clientCas, AdmissionHandler handler, PolicyAdmission policies,
            GateMetrics metrics) {
        var tb = Tls.builder().privateKey(key).privateKeyCertChain(chain);
        if (!clientCas.isEmpty()) {
            tb.trust(clientCas).clientAuth(TlsClientAuth.REQUIRED);
        }
        Tls tls = tb.build();
        // TCP_NODELAY as Go's servers and clients have it: an answer is one small write that must not wait for an ACK.
        WebServer server = WebServer.builder().host(host).port(port).tls(tls)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .maxPayloadSize(MAX_BODY)
                .routing(r -> {
                    routing(r, handler, metrics);
                    if (policies != null) {
                        r.post(AdmissionHandler.VALIDATE_POLICY, (req, res) -> review(req, res, policies::validate));
                    }
                })
                .build().start();
        if (!server.isRunning()) { // Helidon logs a bind failure and returns a stopped server
            throw new IllegalStateException("admission gate cannot listen on " + host + ":" + port + " (address in use?)");
        }
        return new AdmissionServer(server);
    }

    static void routing(HttpRouting.Builder r, AdmissionHandler handler, GateMetrics metrics) {
        r.post(AdmissionHandler.VALIDATE, (req, res) -> review(req, res, handler::validate));
        r.post(AdmissionHandler.MUTATE, (req, res) -> review(req, res, handler::mutate));
        r.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape());
        });
        r.get("/healthz", (req, res) -> res.send("ok"));
    }

    private static void review(ServerRequest req, ServerResponse res,
            java.util.function.Function<byte[], byte[]> path) {
        byte[] body;
        try {
            body = body(req);
        } catch (java.io.IOException e) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":\"incomplete request body\"}");
            return;
        }
        byte[] out;
        try {
            out = path.apply(body);
        } catch (IllegalArgumentException e) {
            res.status(Status.BAD_REQUEST_400).header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send("{\"error\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getMessage())
                            + "}");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json").send(out);
    }

    /**
     * The request body. With a Content-Length (what the API server sends), exactly that many bytes are read into one
     * array: reading "all bytes" of the stream grows 8 and 16 KiB chunk buffers for a review of a few KiB, which was
     * most of the garbage per request.
     */
    static byte[] body(ServerRequest req) throws java.io.IOException {
        if (!req.content().hasEntity()) {
            return new byte[0]; // Helidon's empty entity throws on read; no body is a malformed review (400)
        }
        long length = req.headers().contentLength().orElse(-1L);
        if (length < 0 || length > MAX_BODY) {
            return req.content().as(byte[].class);
        }
        try (java.io.InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new java.io.EOFException("request body shorter than its Content-Length");
            }
            return body;
        }
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
