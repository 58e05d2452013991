package dev.sigstack.tlog;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tlog-service in its own JVM ({@link TestTlogMain} on the test JVM's class path), configured through system
 * properties, on a free loopback port; {@link #kill} sends SIGKILL. Output goes to a log file for post-mortems.
 */
final class TlogProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private TlogProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a process on {@code jdbcUrl} whose data folder (and so its log key file) is {@code dataDir}. */
    static TlogProcess start(String jdbcUrl, Path dataDir, String hostname, String name, List<String> jvmOptions)
            throws IOException {
        int port = freePort();
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve(name + "-" + port + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.add("-Dserver.port=" + port);
        cmd.add("-Dtlog.hostname=" + hostname);
        cmd.add("-Dtlog.data-dir=" + dataDir.toAbsolutePath());
        cmd.add("-Dtlog.database.url=" + jdbcUrl);
        cmd.add("-Dtlog.self-url=http://127.0.0.1:" + port);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TestTlogMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new TlogProcess(p, port, log);
    }

    static TlogProcess start(String jdbcUrl, Path dataDir, String hostname, String name) throws IOException {
        return start(jdbcUrl, dataDir, hostname, name, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code GET /checkpoint} answers 200; fails with the process log when it does not. */
    TlogProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("tlog process exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/checkpoint"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("tlog process not ready within " + timeout + ":\n" + tail());
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux); returns the exit status, 137 for SIGKILL. */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tlog process " + process.pid() + " survived SIGKILL");
        }
        return process.exitValue();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
