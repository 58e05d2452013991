package dev.sigstack.gate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.policy.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Reads manifests, indexes, blobs and referrers from OCI Distribution registries. Plain HTTP is used only for
 * loopback and explicitly listed hosts (as go-containerregistry does for {@code localhost}); everything else is
 * HTTPS with the configured trust. Responses are size-limited and digest-checked.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ", Manifest.OCI_MANIFEST, Manifest.OCI_INDEX,
            Manifest.DOCKER_MANIFEST, Manifest.DOCKER_LIST);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /**
     * Client settings.
     *
     * @param plainHttpHosts hosts (with port) reached over plain HTTP besides loopback
     * @param sslContext TLS trust for HTTPS registries, or null for the JVM default
     * @param timeout per-request timeout
     * @param maxManifestBytes largest manifest accepted
     * @param maxBlobBytes largest blob accepted
     */
    public record Options(Set<String> plainHttpHosts, SSLContext sslContext, Duration timeout,
            long maxManifestBytes, long maxBlobBytes) {
        public Options {
            plainHttpHosts = Set.copyOf(plainHttpHosts);
            Objects.requireNonNull(timeout, "timeout");
        }

        /** Loopback over HTTP, 10 s timeout, 4 MiB manifests, 32 MiB blobs. */
        public static Options defaults() {
            return new Options(Set.of(), null, Duration.ofSeconds(10), 4L << 20, 32L << 20);
        }
    }

    private final HttpClient http;
    private final Options options;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** A client with the given options. */
    public RegistryClient(Options options) {
        this.options = options;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (options.sslContext() != null) {
            b.sslContext(options.sslContext());
        }
        this.http = b.build();
    }

    /** The manifest or index a tag or digest names; a digest reference is checked against the content. */
    public Manifest manifest(ImageReference ref, RegistryCredentials creds) throws RegistryException {
        return manifest(ref.registry(), ref.repository(), ref.identifier(), creds);
    }

    /** The manifest or index of {@code repository} at a tag or digest. */
    public Manifest manifest(String registry, String repository, String reference, RegistryCredentials creds)
            throws RegistryException {
        URI uri = uri(registry, "/v2/" + repository + "/manifests/" + reference);
        HttpResponse<byte[]> r = send(registry, repository, uri, "GET", ACCEPT, creds,
                options.maxManifestBytes());
        if (r.statusCode() != 200) {
            throw new RegistryException("GET " + uri + ": " + status(r), r.statusCode());
        }
        byte[] body = r.body();
        String digest = Digests.sha256(body);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new RegistryException("GET " + uri + ": content digest " + digest + " does not match", 0);
        }
        return Manifest.parse(body, digest, r.headers().firstValue("Content-Type").orElse(null));
    }

    /** The digest a tag points at (a GET, so the digest is computed from the content, never trusted). */
    public String resolve(ImageReference ref, RegistryCredentials creds) throws RegistryException {
        if (ref.isDigest()) {
            return ref.digest();
        }
        return manifest(ref, creds).digest();
    }

    /** A blob, checked against its digest. */
    public byte[] blob(String registry, String repository, String digest, RegistryCredentials creds)
            throws RegistryException {
        if (!Digests.valid(digest)) {
            throw new RegistryException("not a sha256 digest: " + digest, 0);
        }
        URI uri = uri(registry, "/v2/" + repository + "/blobs/" + digest);
        HttpResponse<byte[]> r = send(registry, repository, uri, "GET", "*/*", creds, options.maxBlobBytes());
        if (r.statusCode() != 200) {
            throw new RegistryException("GET " + uri + ": " + status(r), r.statusCode());
        }
        if (!Digests.sha256(r.body()).equals(digest)) {
            throw new RegistryException("GET " + uri + ": content does not match its digest", 0);
        }
        return r.body();
    }

    /**
     * The referrers of a manifest (OCI 1.1): the referrers API, or when it answers 404 the referrers tag schema
     * ({@code sha256-<hex>} index). Filtered by {@code artifactType} when not null.
     */
    public List<Descriptor> referrers(String registry, String repository, String digest, String artifactType,
            RegistryCredentials creds) throws RegistryException {
        String query = artifactType == null ? "" : "?artifactType=" + URLEncoder.encode(artifactType,
                StandardCharsets.UTF_8);
        URI uri = uri(registry, "/v2/" + repository + "/referrers/" + digest + query);
        HttpResponse<byte[]> r = send(registry, repository, uri, "GET", Manifest.OCI_INDEX, creds,
                options.maxManifestBytes());
        List<Descriptor> found;
        if (r.statusCode() == 200) {
            found = Manifest.parse(r.body(), Digests.sha256(r.body()), Manifest.OCI_INDEX).manifests();
        } else if (r.statusCode() == 404) {
            try {
                found = manifest(registry, repository, Digests.cosignTag(digest, ""), creds).manifests();
            } catch (RegistryException e) {
                if (e.notFound()) {
                    return List.of();
                }
                throw e;
            }
        } else {
            throw new RegistryException("GET " + uri + ": " + status(r), r.statusCode());
        }
        if (artifactType == null) {
            return found;
        }
        return found.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
    }

    /** True when the scheme for this host is plain HTTP. */
    boolean plainHttp(String registry) {
        String host = registry.replaceFirst(":\\d+$", "");
        return options.plainHttpHosts().contains(registry) || host.equals("localhost") || host.equals("127.0.0.1")
                || host.equals("[::1]");
    }

    private URI uri(String registry, String path) {
        return URI.create((plainHttp(registry) ? "http://" : "https://") + registry + path);
    }

    private HttpResponse<byte[]> send(String registry, String repository, URI uri, String method, String accept,
            RegistryCredentials creds, long limit) throws RegistryException {
        Optional<RegistryCredentials.Login> login = creds.forHost(registry);
        String scope = "repository:" + repository + ":pull";
        String cached = tokens.get(registry + " " + scope + " " + login.map(l -> l.username()).orElse(""));
        HttpResponse<byte[]> r = exchange(uri, method, accept, cached, limit);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            String auth = authorize(registry, challenge, scope, login);
            if (auth != null) {
                r = exchange(uri, method, accept, auth, limit);
                if (auth.startsWith("Bearer ")) {
                    tokens.put(registry + " " + scope + " " + login.map(l -> l.username()).orElse(""), auth);
                }
            }
        }
        return r;
    }

    private String authorize(String registry, String challenge, String scope,
            Optional<RegistryCredentials.Login> login) throws RegistryException {
        String lower = challenge.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic")) {
            return login.map(RegistryCredentials.Login::basic).orElse(null);
        }
        if (!lower.startsWith("bearer")) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryException(registry + ": bearer challenge without realm", 401);
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        q.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", scope), StandardCharsets.UTF_8));
        URI tokenUri = URI.create(q.toString());
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).timeout(options.timeout()).GET();
        login.ifPresent(l -> b.header("Authorization", l.basic()));
        HttpResponse<byte[]> r = call(b.build(), 1L << 20);
        if (r.statusCode() != 200) {
            throw new RegistryException("token request to " + realm + ": " + status(r), r.statusCode());
        }
        try {
            JsonNode t = JSON.readTree(r.body());
            String token = t.hasNonNull("token") ? t.get("token").asText() : t.path("access_token").asText("");
            if (token.isEmpty()) {
                throw new RegistryException("token response from " + realm + " has no token", 0);
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new RegistryException("token response from " + realm + " is not JSON", e);
        }
    }

    private HttpResponse<byte[]> exchange(URI uri, String method, String accept, String auth, long limit)
            throws RegistryException {
        URI current = uri;
        for (int hop = 0; hop < 4; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).timeout(options.timeout())
                    .method(method, HttpRequest.BodyPublishers.noBody()).header("Accept", accept);
            if (auth != null && current.getRawAuthority().equals(uri.getRawAuthority())) {
                b.header("Authorization", auth);
            }
            HttpResponse<byte[]> r = call(b.build(), limit);
            int s = r.statusCode();
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308)
                    && r.headers().firstValue("Location").isPresent()) {
                current = current.resolve(r.headers().firstValue("Location").get());
                continue;
            }
            return r;
        }
        throw new RegistryException("too many redirects from " + uri, 0);
    }

    private HttpResponse<byte[]> call(HttpRequest req, long limit) throws RegistryException {
        try {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            }
            if (body.length > limit) {
                throw new RegistryException(req.method() + " " + req.uri() + ": response larger than " + limit
                        + " bytes", 0);
            }
            return new Buffered(r, body);
        } catch (IOException e) {
            throw new RegistryException(req.method() + " " + req.uri() + ": " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(req.method() + " " + req.uri() + ": interrupted", e);
        }
    }

    /**
     * Why a request failed, as go-containerregistry says it ("dial tcp ...: connection refused"): the JDK client's
     * {@code ConnectException} has no message of its own, its cause has.
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        if (e instanceof java.net.ConnectException) { // the JDK client gives no detail on a refused connect
            return "ConnectException: cannot connect (connection refused or host unreachable)";
        }
        return e.getClass().getSimpleName();
    }

    private static String status(HttpResponse<byte[]> r) {
        String body = new String(r.body(), 0, Math.min(r.body().length, 300), StandardCharsets.UTF_8);
        return "HTTP " + r.statusCode() + (body.isBlank() ? "" : " " + body.strip());
    }

    /** A response whose body has been read (bounded). */
    private record Buffered(HttpResponse<InputStream> delegate, byte[] body) implements HttpResponse<byte[]> {
        @Override
        public int statusCode() {
            return delegate.statusCode();
        }

        @Override
        public HttpRequest request() {
            return delegate.request();
        }

        @Override
        public Optional<HttpResponse<byte[]>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return delegate.headers();
        }

        @Override
        public Optional<javax.net.ssl.SSLSession> sslSession() {
            return delegate.sslSession();
        }

        @Override
        public URI uri() {
            return delegate.uri();
        }

        @Override
        public HttpClient.Version version() {
            return delegate.version();
        }
    }

}
