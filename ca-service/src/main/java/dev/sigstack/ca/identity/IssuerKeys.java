package dev.sigstack.ca.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The signing keys of one issuer: from a static JWKS file, or by OIDC discovery then the {@code jwks_uri}, over
 * the issuer's TLS (trusting its {@code CACert} when set). Keys are cached; {@link #refresh()} fetches again at most
 * once per {@link #MIN_REFRESH_INTERVAL}, so unknown key ids cannot make the CA hammer the issuer.
 */
final class IssuerKeys {
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_DOCUMENT_BYTES = 512 * 1024;
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "oidc-fetch-deadlines");
        t.setDaemon(true);
        return t;
    });
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OidcIssuer issuer;
    private final HttpClient http;
    private volatile JWKSet keys;
    private volatile long lastFetchNanos;

    IssuerKeys(OidcIssuer issuer) throws InvalidTokenException {
        this.issuer = issuer;
        this.http = issuer.jwksFile() == null ? client(issuer) : null;
    }

    /** A fixed key set (for the built-in development issuer). */
    IssuerKeys(OidcIssuer issuer, JWKSet fixed) {
        this.issuer = issuer;
        this.http = null;
        this.keys = fixed;
    }

    /** The cached keys, loading them on first use. */
    List<JWK> keys() throws InvalidTokenException {
        JWKSet k = keys;
        if (k == null) {
            synchronized (this) {
                if (keys == null) {
                    keys = load();
                    lastFetchNanos = System.nanoTime();
                }
                k = keys;
            }
        }
        return k.getKeys();
    }

    /** Fetches the keys again if the last fetch is old enough; returns whether it did. */
    boolean refresh() throws InvalidTokenException {
        if (http == null) {
            return false;
        }
        synchronized (this) {
            if (System.nanoTime() - lastFetchNanos < MIN_REFRESH_INTERVAL.toNanos()) {
                return false;
            }
            lastFetchNanos = System.nanoTime();
            keys = load();
            return true;
        }
    }

    private JWKSet load() throws InvalidTokenException {
        if (issuer.jwksFile() != null) {
            try (InputStream in = Files.newInputStream(issuer.jwksFile())) {
                byte[] b = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
                if (b.length > MAX_DOCUMENT_BYTES) {
                    throw new InvalidTokenException("the static JWKS of issuer " + issuer.issuerUrl() + " is larger than "
                        + MAX_DOCUMENT_BYTES + " bytes");
                }
                return JWKSet.parse(new String(b, StandardCharsets.UTF_8));
            } catch (IOException | java.text.ParseException e) {
                throw new InvalidTokenException("cannot read the static JWKS of issuer " + issuer.issuerUrl() + ": " + e.getMessage());
            }
        }
        if (http == null) {
            throw new InvalidTokenException("issuer " + issuer.issuerUrl() + " has no key source");
        }
        String base = issuer.issuerUrl().endsWith("/") ? issuer.issuerUrl().substring(0, issuer.issuerUrl().length() - 1)
            : issuer.issuerUrl();
        JsonNode discovery;
        try {
            discovery = JSON.readTree(get(base + "/.well-known/openid-configuration"));
        } catch (IOException e) {
            throw new InvalidTokenException("OIDC discovery of issuer " + issuer.issuerUrl() + " returned invalid JSON");
        }
        String advertised = discovery.path("issuer").asText("");
        if (!advertised.equals(issuer.issuerUrl())) {
            throw new InvalidTokenException("issuer did not match: discovery of " + issuer.issuerUrl()
                + " advertises issuer '" + advertised + "'");
        }
        String jwksUri = discovery.path("jwks_uri").asText("");
        if (jwksUri.isEmpty()) {
            throw new InvalidTokenException("OIDC discovery of issuer " + issuer.issuerUrl() + " has no jwks_uri");
        }
        try {
            return JWKSet.parse(new String(get(jwksUri), StandardCharsets.UTF_8));
        } catch (java.text.ParseException e) {
            throw new InvalidTokenException("JWKS of issuer " + issuer.issuerUrl() + " is invalid: " + e.getMessage());
        }
    }

    /**
     * GETs a discovery or JWKS document through a bounded stream: a declared Content-Length above
     * {@link #MAX_DOCUMENT_BYTES} is refused before the body is read, at most one byte more than the limit is ever
     * read, and the whole exchange (headers and body) has the deadline {@link #TIMEOUT}: the stream is closed when
     * it passes, so a body that drips forever cannot hold the request.
     */
    private byte[] get(String url) throws InvalidTokenException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build();
            HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                if (res.statusCode() != 200) {
                    throw new InvalidTokenException("fetching " + url + " for issuer " + issuer.issuerUrl()
                        + " answered HTTP " + res.statusCode());
                }
                OptionalLong declared = res.headers().firstValueAsLong("content-length");
                if (declared.isPresent() && declared.getAsLong() > MAX_DOCUMENT_BYTES) {
                    throw new InvalidTokenException("document at " + url + " is too large (declares " + declared.getAsLong()
                        + " bytes, the limit is " + MAX_DOCUMENT_BYTES + ")");
                }
                long left = Math.max(1, deadline - System.nanoTime());
                ScheduledFuture<?> stop = DEADLINES.schedule(() -> closeQuietly(in), left, TimeUnit.NANOSECONDS);
                byte[] body;
                try {
                    body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
                } catch (IOException e) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new InvalidTokenException("fetching " + url + " for issuer " + issuer.issuerUrl()
                            + " did not finish within " + TIMEOUT.toSeconds() + "s");
                    }
                    throw e;
                } finally {
                    stop.cancel(false);
                }
                if (body.length > MAX_DOCUMENT_BYTES) {
                    throw new InvalidTokenException("document at " + url + " is too large (more than " + MAX_DOCUMENT_BYTES
                        + " bytes)");
                }
                return body;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidTokenException("cannot fetch " + url + " for issuer " + issuer.issuerUrl() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidTokenException("interrupted while fetching keys of " + issuer.issuerUrl());
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing is the point; nothing to do
        }
    }

    private static HttpClient client(OidcIssuer issuer) throws InvalidTokenException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
        if (issuer.caCert() != null && !issuer.caCert().isEmpty()) {
            b.sslContext(sslContext(issuer.caCert(), issuer.issuerUrl()));
        }
        return b.build();
    }

    static SSLContext sslContext(String pem, String issuerUrl) throws InvalidTokenException {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidTokenException("CACert of issuer " + issuerUrl + " cannot be used: " + e.getMessage());
        }
    }
}
