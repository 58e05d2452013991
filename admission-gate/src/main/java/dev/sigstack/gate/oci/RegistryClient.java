package dev.sigstack.gate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstack.gate.policy.ImageReference;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Reads manifests, indexes, blobs and referrers from OCI Distribution registries. Plain HTTP is used only for
 * loopback and explicitly listed hosts (as go-containerregistry does for {@code localhost}); everything else is
 * HTTPS with the configured trust. Responses are size-limited and digest-checked; every request has one overall
 * deadline (headers and body); credentials go only to the registry's own host or a configured bearer realm host;
 * a redirect never downgrades to plain HTTP; a registry's answer body is never repeated in an error message.
 */
public final class RegistryClient {
    static final String ACCEPT = String.join(", ", Manifest.OCI_MANIFEST, Manifest.OCI_INDEX,
            Manifest.DOCKER_MANIFEST, Manifest.DOCKER_LIST);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /**
     * Client settings. The limits bound the work one image can cause (cosign's CVE-2023-46737 and CVE-2024-29902
     * class: a {@code .sig} manifest listing any number of large layers); docs/admission-gate.md lists the defaults.
     *
     * @param plainHttpHosts hosts (with port) reached over plain HTTP besides loopback
     * @param sslContext TLS trust for HTTPS registries, or null for the JVM default
     * @param timeout overall deadline of one registry request: connect, headers and the whole body, including the
     *        token exchange and redirects it needs
     * @param maxManifestBytes largest manifest accepted
     * @param maxBlobBytes largest blob (one signature or attestation layer) accepted
     * @param maxLayers most layers read from one {@code .sig} / {@code .att} manifest (cosign's
     *        {@code maxAllowedSigsOrAtts}, 100)
     * @param maxReferrers most referrers (Sigstore bundles) read for one digest
     * @param maxTotalBytes most payload bytes one look-up (the layers of one {@code .sig}, {@code .att} or the
     *        bundles of one digest) may read
     * @param realmHosts hosts (or host:port) besides the registry's own host that may receive credentials as the
     *        realm of a bearer challenge
     * @param maxInFlightBytes most signature, attestation and bundle bytes all concurrent look-ups may hold; a
     *        look-up waits (up to {@code timeout}) for room, then is refused
     */
    public record Options(Set<String> plainHttpHosts, SSLContext sslContext, Duration timeout,
            long maxManifestBytes, long maxBlobBytes, int maxLayers, int maxReferrers, long maxTotalBytes,
            Set<String> realmHosts, long maxInFlightBytes) {
        /** Default cap on layers per signature or attestation manifest: cosign's {@code maxAllowedSigsOrAtts}. */
        public static final int MAX_LAYERS = 100;
        /** Default cap on referrers per digest. */
        public static final int MAX_REFERRERS = 100;
        /** Default cap on the bytes of one look-up: 64 MiB. */
        public static final long MAX_TOTAL_BYTES = 64L << 20;
        /** Default cap on the bytes of all concurrent look-ups: 128 MiB (the chart's pod has 512 MiB). */
        public static final long MAX_IN_FLIGHT_BYTES = 128L << 20;

        public Options {
            plainHttpHosts = Set.copyOf(plainHttpHosts);
            realmHosts = realmHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(
                    java.util.stream.Collectors.toUnmodifiableSet());
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || maxManifestBytes <= 0 || maxBlobBytes <= 0
                    || maxLayers <= 0 || maxReferrers <= 0 || maxTotalBytes <= 0) {
                throw new IllegalArgumentException("registry limits and timeout must be positive");
            }
            if (maxInFlightBytes < maxTotalBytes || maxTotalBytes < maxBlobBytes) {
                throw new IllegalArgumentException("registry limits: need bytes per layer <= bytes per look-up <= "
                        + "bytes in flight");
            }
        }

        /** With the default layer, referrer and total limits and no extra realm hosts. */
        public Options(Set<String> plainHttpHosts, SSLContext sslContext, Duration timeout, long maxManifestBytes,
                long maxBlobBytes) {
            this(plainHttpHosts, sslContext, timeout, maxManifestBytes, maxBlobBytes, MAX_LAYERS, MAX_REFERRERS,
                    Math.max(MAX_TOTAL_BYTES, maxBlobBytes), Set.of(), Math.max(MAX_IN_FLIGHT_BYTES, maxBlobBytes));
        }

        /** Loopback over HTTP, 10 s deadline, 4 MiB manifests, 32 MiB blobs, 100 layers, 100 referrers, 64 MiB. */
        public static Options defaults() {
            return new Options(Set.of(), null, Duration.ofSeconds(10), 4L << 20, 32L << 20);
        }

        /** These options with other limits. */
        public Options withLimits(int layers, int referrers, long blobBytes, long totalBytes, long inFlightBytes) {
            return new Options(plainHttpHosts, sslContext, timeout, maxManifestBytes, blobBytes, layers, referrers,
                    totalBytes, realmHosts, inFlightBytes);
        }

        /** These options with another deadline per request. */
        public Options withTimeout(Duration t) {
            return new Options(plainHttpHosts, sslContext, t, maxManifestBytes, maxBlobBytes, maxLayers,
                    maxReferrers, maxTotalBytes, realmHosts, maxInFlightBytes);
        }

        /** These options with bearer realm hosts besides the registries' own. */
        public Options withRealmHosts(Set<String> hosts) {
            return new Options(plainHttpHosts, sslContext, timeout, maxManifestBytes, maxBlobBytes, maxLayers,
                    maxReferrers, maxTotalBytes, hosts, maxInFlightBytes);
        }
    }

    private final HttpClient http;
    private final Options options;
    private static final int MAX_TOKENS = 1024;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final java.util.concurrent.Semaphore inFlightKib;

    /** A client with the given options. */
    public RegistryClient(Options options) {
        this.options = options;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (options.sslContext() != null) {
            b.sslContext(options.sslContext());
        }
        this.http = b.build();
        this.inFlightKib = new java.util.concurrent.Semaphore((int) Math.min(Integer.MAX_VALUE,
                options.maxInFlightBytes() >> 10)); // not fair: a small look-up passes waiting large ones
    }

    /**
     * Room for {@code bytes} of payload among all concurrent look-ups, waited for up to {@code timeout}; released by
     * closing it once the look-up's payloads are handed over.
     */
    AutoCloseable reserve(long bytes, String what) throws RegistryException {
        int kib = (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) >> 10);
        try {
            if (!inFlightKib.tryAcquire(kib, options.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RegistryException(what + ": the gate is already reading " + (options.maxInFlightBytes()
                        >> 20) + " MiB of signatures (--max-in-flight-bytes) and found no room within "
                        + options.timeout().toMillis() + " ms; refused, try again", 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(what + ": interrupted", e);
        }
        return () -> inFlightKib.release(kib);
    }

    /** Bearer tokens cached. */
    int tokenCount() {
        return tokens.size();
    }

    /** The settings and limits. */
    public Options options() {
        return options;
    }

    /** The manifest or index a tag or digest names; a digest reference is checked against the content. */
    public Manifest manifest(ImageReference ref, RegistryCredentials creds) throws RegistryException {
        return manifest(ref.registry(), ref.repository(), ref.identifier(), creds);
    }

    /** The manifest or index of {@code repository} at a tag or digest. */
    public Manifest manifest(String registry, String repository, String reference, RegistryCredentials creds)
            throws RegistryException {
        URI uri = uri(registry, "/v2/" + repository + "/manifests/" + reference);
        HttpResponse<byte[]> r = send(registry, repository, uri, ACCEPT, creds, options.maxManifestBytes());
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

    /** A blob of at most {@code maxBlobBytes}, checked against its digest. */
    public byte[] blob(String registry, String repository, String digest, RegistryCredentials creds)
            throws RegistryException {
        return blob(registry, repository, digest, options.maxBlobBytes(), creds);
    }

    /** A blob of at most {@code limit} bytes (and never more than {@code maxBlobBytes}), checked against its digest. */
    public byte[] blob(String registry, String repository, String digest, long limit, RegistryCredentials creds)
            throws RegistryException {
        if (!Digests.valid(digest)) {
            throw new RegistryException("not a sha256 digest: " + digest, 0);
        }
        URI uri = uri(registry, "/v2/" + repository + "/blobs/" + digest);
        HttpResponse<byte[]> r = send(registry, repository, uri, "*/*", creds,
                Math.min(limit, options.maxBlobBytes()));
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
        HttpResponse<byte[]> r = send(registry, repository, uri, Manifest.OCI_INDEX, creds,
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

    /**
     * One logical GET: the request, the token exchange a 401 asks for, the retry and the redirects, all under one
     * deadline of {@code timeout}.
     */
    private HttpResponse<byte[]> send(String registry, String repository, URI uri, String accept,
            RegistryCredentials creds, long limit) throws RegistryException {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        Optional<RegistryCredentials.Login> login = creds.forHost(registry);
        String scope = "repository:" + repository + ":pull";
        String tokenKey = registry + " " + scope + " " + login.map(l -> l.username()).orElse("");
        HttpResponse<byte[]> r = exchange(uri, accept, tokens.get(tokenKey), limit, deadline);
        if (r.statusCode() == 401) {
            String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
            String auth = authorize(registry, challenge, scope, login, deadline);
            if (auth != null) {
                r = exchange(uri, accept, auth, limit, deadline);
                if (auth.startsWith("Bearer ")) {
                    if (tokens.size() >= MAX_TOKENS) {
                        // Repository names come from pods: bound the cache. Clearing costs one token exchange per
                        // repository afterwards; an LRU would save little for a cache this small.
                        tokens.clear();
                    }
                    tokens.put(tokenKey, auth);
                }
            }
        }
        return r;
    }

    private String authorize(String registry, String challenge, String scope,
            Optional<RegistryCredentials.Login> login, long deadline) throws RegistryException {
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
        URI realmUri = realmUri(registry, realm);
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        q.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", scope), StandardCharsets.UTF_8));
        URI tokenUri;
        try {
            tokenUri = new URI(q.toString());
        } catch (java.net.URISyntaxException e) {
            throw new RegistryException(registry + ": bearer realm " + realmUri + " with an unusable query", 401);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).GET();
        login.ifPresent(l -> b.header("Authorization", l.basic()));
        HttpResponse<byte[]> r = call(b, 1L << 20, deadline); // no redirects: the credentials stay on this host
        if (r.statusCode() != 200) {
            throw new RegistryException("token request to " + realmUri + ": " + status(r), r.statusCode());
        }
        try {
            JsonNode t = JSON.readTree(r.body());
            String token = t.hasNonNull("token") ? t.get("token").asText() : t.path("access_token").asText("");
            if (token.isEmpty()) {
                throw new RegistryException("token response from " + realmUri + " has no token", 0);
            }
            return "Bearer " + token;
        } catch (IOException e) {
            throw new RegistryException("token response from " + realmUri + " is not JSON", 0);
        }
    }

    /**
     * The realm of a bearer challenge, if the gate may send it the pull credentials: its host is the registry's host
     * or a configured realm host, and it is HTTPS unless the realm host is itself reached over plain HTTP (loopback,
     * {@code --plain-http}). Otherwise the realm is not contacted at all: a registry (or whoever answers for it)
     * cannot steer a pod's pull secret, or the gate itself, to another address.
     */
    private URI realmUri(String registry, String realm) throws RegistryException {
        URI u;
        try {
            u = new URI(realm);
        } catch (java.net.URISyntaxException e) {
            throw new RegistryException(registry + ": the bearer challenge's realm is not a URL", 401);
        }
        if (u.getHost() == null || u.getRawAuthority() == null || u.getScheme() == null || u.getRawUserInfo() != null) {
            throw new RegistryException(registry + ": the bearer challenge's realm is not an absolute http(s) URL "
                    + "with a host", 401);
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        String authority = u.getRawAuthority().toLowerCase(Locale.ROOT);
        String registryHost = URI.create("//" + registry).getHost();
        boolean sameHost = registryHost != null && registryHost.equalsIgnoreCase(host);
        if (!sameHost && !options.realmHosts().contains(host) && !options.realmHosts().contains(authority)) {
            throw new RegistryException(registry + ": the bearer challenge names the realm host " + host + ", which is"
                    + " neither the registry's host nor a configured realm host (--registry-realm-host); not "
                    + "contacted, no credentials sent", 401);
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && plainHttp(authority))) {
            throw new RegistryException(registry + ": the bearer challenge's realm " + scheme + "://" + authority
                    + " is not HTTPS; refused (plain HTTP only for loopback and --plain-http hosts)", 401);
        }
        return u;
    }

    /**
     * A GET and its redirects. Credentials go only to the first URL's scheme and authority: registries redirect blob
     * GETs to storage hosts, which get no credentials (as go-containerregistry and cosign do). A redirect never leads
     * from HTTPS to plain HTTP, and to plain HTTP only among loopback and {@code --plain-http} hosts.
     */
    private HttpResponse<byte[]> exchange(URI uri, String accept, String auth, long limit, long deadline)
            throws RegistryException {
        URI current = uri;
        for (int hop = 0; hop < 4; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).GET().header("Accept", accept);
            if (auth != null && current.getScheme().equals(uri.getScheme())
                    && current.getRawAuthority().equals(uri.getRawAuthority())) {
                b.header("Authorization", auth);
            }
            HttpResponse<byte[]> r = call(b, limit, deadline);
            int s = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent()) {
                current = redirect(current, location.get());
                continue;
            }
            return r;
        }
        throw new RegistryException("too many redirects from " + uri, 0);
    }

    URI redirect(URI from, String location) throws RegistryException {
        URI next;
        try {
            next = from.resolve(new URI(location));
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new RegistryException("GET " + from + ": redirect to an unusable Location", 0);
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (next.getRawAuthority() == null || next.getHost() == null || next.getRawUserInfo() != null) {
            throw new RegistryException("GET " + from + ": redirect to a URL without a host", 0);
        }
        if (scheme.equals("https")) {
            return next;
        }
        if (scheme.equals("http") && from.getScheme().equals("http") && plainHttp(next.getRawAuthority())) {
            return next;
        }
        throw new RegistryException("GET " + from + ": redirect to " + scheme + "://" + next.getRawAuthority()
                + " refused (never from HTTPS to plain HTTP; plain HTTP only for loopback and --plain-http hosts)", 0);
    }

    /**
     * One HTTP exchange under the deadline: the JDK client's request timeout stops at the response headers, so the
     * whole exchange, body included, is awaited with the time left and aborted (cancel) when it runs out. The body is
     * read by {@link BoundedBody}, which stops at {@code limit} bytes.
     */
    private HttpResponse<byte[]> call(HttpRequest.Builder b, long limit, long deadline) throws RegistryException {
        long left = deadline - System.nanoTime();
        HttpRequest req = b.timeout(Duration.ofNanos(Math.max(left, 1))).build();
        String what = req.method() + " " + req.uri();
        if (left <= 0) {
            throw new RegistryException(what + ": " + deadlineMessage(), 0);
        }
        CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(req, info -> new BoundedBody(limit,
                info.headers().firstValueAsLong("Content-Length").orElse(-1)));
        try {
            return f.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new RegistryException(what + ": " + deadlineMessage(), 0);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TooLarge) {
                throw new RegistryException(what + ": response larger than " + limit + " bytes", 0);
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new RegistryException(what + ": " + deadlineMessage(), 0);
            }
            throw new RegistryException(what + ": " + reason(cause), cause);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(what + ": interrupted", e);
        }
    }

    private String deadlineMessage() {
        return "no complete answer within the " + options.timeout().toMillis() + " ms deadline (the registry hangs "
                + "or trickles)";
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

    /**
     * The status only: a registry's body is never repeated in a denial (the pod's author could otherwise read any
     * address the gate reaches through it).
     */
    private static String status(HttpResponse<byte[]> r) {
        return "HTTP " + r.statusCode();
    }

    /** A body larger than the limit. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("response too large");
        }
    }

    /**
     * Collects a body up to a limit and fails as soon as it would pass it (or its Content-Length says it will): the
     * JDK's {@code BodySubscribers.ofByteArray} has no limit, and {@code ofInputStream} cannot be abandoned by a
     * reader blocked on a trickling body.
     */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private byte[] buf;
        private int size;
        private Flow.Subscription subscription;

        BoundedBody(long limit, long declared) {
            this.limit = limit;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > limit) {
                s.cancel();
                result.completeExceptionally(new TooLarge());
                return;
            }
            // With a Content-Length the body is read into one array of that size (no copy at the end).
            buf = new byte[declared >= 0 ? (int) declared : (int) Math.min(limit, 8192)];
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (size + (long) n > limit) {
                    subscription.cancel();
                    buf = null;
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                if (size + n > buf.length) {
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit, Math.max(size + n, 2L * buf.length)));
                }
                b.get(buf, size, n);
                size += n;
            }
        }

        @Override
        public void onError(Throwable t) {
            buf = null;
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (!result.isDone()) {
                result.complete(size == buf.length ? buf : java.util.Arrays.copyOf(buf, size));
            }
        }
    }
}
