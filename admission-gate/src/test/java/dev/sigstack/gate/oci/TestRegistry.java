package dev.sigstack.gate.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A real Distribution registry (Debian's {@code docker-registry}, distribution 2.8) on a free loopback port with a
 * temporary filesystem store, plus pushing through the Distribution API. Tests skip when the binary is absent.
 */
public final class TestRegistry implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path dir;
    private final String host;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String authHeader;

    private TestRegistry(Process process, Path dir, String host, String authHeader) {
        this.process = process;
        this.dir = dir;
        this.host = host;
        this.authHeader = authHeader;
    }

    /** Starts a registry; {@code htpasswd} (a bcrypt line) turns on basic auth, with the user's login for pushes. */
    public static TestRegistry start(String htpasswdLine, String user, String password) throws Exception {
        assumeTrue(Files.isExecutable(BINARY), "/usr/bin/docker-registry is absent (apt-get install docker-registry);"
                + " skipping the real-registry tests");
        Path dir = Files.createTempDirectory("gate-registry");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String auth = "";
        if (htpasswdLine != null) {
            Files.writeString(dir.resolve("htpasswd"), htpasswdLine + "\n");
            auth = "auth:\n  htpasswd:\n    realm: gate-test\n    path: " + dir.resolve("htpasswd") + "\n";
        }
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                %s""".formatted(dir.resolve("store"), port, auth));
        Process p = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        String header = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        TestRegistry r = new TestRegistry(p, dir, "127.0.0.1:" + port, header);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                HttpResponse<Void> resp = r.http.send(HttpRequest.newBuilder(URI.create("http://" + r.host + "/v2/"))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (resp.statusCode() == 200 || resp.statusCode() == 401) {
                    return r;
                }
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    r.close();
                    throw new IllegalStateException("registry did not start: " + Files.readString(dir.resolve(
                            "registry.log")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** host:port. */
    public String host() {
        return host;
    }

    /**
     * The registry's output: errors, and its access log (one line per HTTP request, combined log format, e.g.
     * {@code "GET /v2/repo/manifests/sha256:... HTTP/1.1" 200 ...}), so a test can count the requests it received.
     */
    public Path log() {
        return dir.resolve("registry.log");
    }

    /** Uploads a blob (monolithic upload); returns its digest. */
    public String pushBlob(String repo, byte[] data) throws Exception {
        String digest = Digests.sha256(data);
        HttpResponse<String> start = send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo
                + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()));
        if (start.statusCode() != 202) {
            throw new IllegalStateException("upload start: " + start.statusCode() + " " + start.body());
        }
        String loc = start.headers().firstValue("Location").orElseThrow();
        URI put = URI.create("http://" + host).resolve(loc);
        String sep = put.getQuery() == null ? "?" : "&";
        HttpResponse<String> done = send(HttpRequest.newBuilder(URI.create(put + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
        if (done.statusCode() != 201) {
            throw new IllegalStateException("upload: " + done.statusCode() + " " + done.body());
        }
        return digest;
    }

    /** Puts a manifest under a tag or digest; returns its digest. */
    public String pushManifest(String repo, String reference, byte[] manifest, String mediaType) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo
                + "/manifests/" + reference)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("manifest put: " + r.statusCode() + " " + r.body());
        }
        return Digests.sha256(manifest);
    }

    /** Pushes a small random image; returns its manifest digest. */
    public String pushImage(String repo, String tag) throws Exception {
        byte[] layer = ("layer of " + repo + ":" + tag + " " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"65530\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ObjectNode m = manifest("application/vnd.oci.image.config.v1+json", pushBlob(repo, config), config.length);
        ((ArrayNode) m.get("layers")).add(descriptor("application/vnd.oci.image.layer.v1.tar", pushBlob(repo, layer),
                layer.length, Map.of()));
        return pushManifest(repo, tag, JSON.writeValueAsBytes(m), Manifest.OCI_MANIFEST);
    }

    /** An OCI manifest with the given config and no layers yet. */
    public static ObjectNode manifest(String configType, String configDigest, long configSize) {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", Manifest.OCI_MANIFEST);
        m.set("config", descriptor(configType, configDigest, configSize, Map.of()));
        m.putArray("layers");
        return m;
    }

    /** A descriptor JSON. */
    public static ObjectNode descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        if (!annotations.isEmpty()) {
            ObjectNode a = d.putObject("annotations");
            annotations.forEach(a::put);
        }
        return d;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        if (authHeader != null) {
            b.header("Authorization", authHeader);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dev.sigstack.core.testing.Trees.deleteTree(dir);
    }
}
