package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of the test's own (the binaries ./sigstack test found, run as the cluster's OS user), so
 * that a test can SIGKILL its postmaster without disturbing the shared private cluster other tests use.
 */
final class PrivatePostgres implements AutoCloseable {
    private final Path dir;
    private final Path data;
    private final String bin;
    private final String osUser;
    private final int port;

    private PrivatePostgres(Path dir, String bin, String osUser, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.bin = bin;
        this.osUser = osUser;
        this.port = port;
    }

    /**
     * initdb and start in a new folder under the system temporary folder (the cluster's OS user must be able to
     * reach it, which JUnit's 0700 temporary folders do not allow); skips the test when ./sigstack test did not
     * say where the binaries are.
     */
    static PrivatePostgres create() throws IOException, InterruptedException {
        String bin = System.getenv("SIGSTACK_PG_BIN");
        assumeTrue(bin != null && !bin.isBlank(),
                "SIGSTACK_PG_BIN is not set: run through ./sigstack test, which finds the PostgreSQL binaries");
        String user = System.getenv().getOrDefault("SIGSTACK_PG_USER_OS", "");
        Path dir = Files.createTempDirectory("sigstack-pg-test");
        if (!user.isEmpty()) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(dir, owner);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PrivatePostgres pg = new PrivatePostgres(dir, bin, user, port);
        pg.run("initdb", "-D", pg.data.toString(), "-U", "sigstack", "--auth=trust", "-E", "UTF8");
        Files.writeString(pg.data.resolve("postgresql.conf"), String.join("\n",
                "listen_addresses = '127.0.0.1'", "port = " + port, "unix_socket_directories = '" + dir + "'",
                "max_connections = 60", "shared_buffers = 32MB", "fsync = on", "synchronous_commit = on", ""),
                java.nio.file.StandardOpenOption.APPEND);
        pg.start();
        pg.run("createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "sigstack", "sigstack");
        return pg;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/sigstack?user=sigstack";
    }

    /** pg_ctl start, waiting until it accepts connections (after a SIGKILL this includes crash recovery). */
    void start() throws IOException, InterruptedException {
        run("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
    }

    /** SIGKILLs the postmaster, then waits until it and every backend it started are gone. */
    void killPostmaster() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster"));
        List<ProcessHandle> family = new ArrayList<>(postmaster.descendants().toList());
        family.add(postmaster);
        if (!postmaster.destroyForcibly()) {
            throw new IllegalStateException("could not SIGKILL the postmaster " + pid);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle p : family) {
            while (p.isAlive()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL process " + p.pid() + " outlived its postmaster");
                }
                Thread.sleep(20);
            }
        }
    }

    private void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (!osUser.isEmpty()) {
            cmd.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        cmd.add(Path.of(bin, tool).toString());
        cmd.addAll(List.of(args));
        Path out = dir.resolve(tool + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(tool + " failed: " + Files.readString(out));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("pg_ctl", "-D", data.toString(), "-m", "immediate", "stop");
        } catch (IllegalStateException e) {
            // already down
        }
        dev.sigstack.core.testing.Trees.deleteTree(dir);
    }
}
