package dev.sigstack.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An OCI registry for the demo: Debian's {@code docker-registry} (distribution 2.8) on a free loopback port, storing
 * under a folder, over plain HTTP.
 */
final class LocalRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final String host;

    private LocalRegistry(Process process, String host) {
        this.process = process;
        this.host = host;
    }

    /** The registry binary, when installed. */
    static Optional<Path> binary() {
        return Files.isExecutable(BINARY) ? Optional.of(BINARY) : Optional.empty();
    }

    static LocalRegistry start(Path binary, Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String host = "127.0.0.1:" + port;
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log: {level: warn}
                storage:
                  filesystem: {rootdirectory: %s}
                http:
                  addr: %s
                """.formatted(dir.resolve("data"), host));
        Process p = new ProcessBuilder(binary.toString(), "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, host);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return registry;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                registry.close();
                throw new IOException("the registry did not start; see " + dir.resolve("registry.log"));
            }
            Thread.sleep(100);
        }
    }

    /** {@code host:port}. */
    String host() {
        return host;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
