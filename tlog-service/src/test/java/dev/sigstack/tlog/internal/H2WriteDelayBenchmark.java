package dev.sigstack.tlog.internal;

import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.tlog.LogEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What H2's {@code WRITE_DELAY=0} costs the log engine (issue 13), run by hand, never by {@code verify}: raw appends
 * ({@code LogEngine.add} of ~90-byte leaves, as the TEST-ONLY append route does, no HTTP and no cryptography) from
 * 64 threads into a fresh H2 file, once as the stack opens it ({@code WRITE_DELAY=0}) and once with H2's former
 * default ({@code SET WRITE_DELAY 500} on the open database). Prints entries/s per fifth of the run and the file's
 * size. Bounded by {@code bench.entries} (200000) per mode and {@code bench.maxSeconds} (300) per mode; modes in
 * {@code bench.modes} (0,500,0,500: alternated, as the first run also warms the JIT). Writes under
 * {@code bench.dir} (a new temporary folder), removed at the end.
 */
final class H2WriteDelayBenchmark {
    private static final String KEY =
        "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";

    private H2WriteDelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long total = Long.getLong("bench.entries", 200_000);
        long maxNanos = Long.getLong("bench.maxSeconds", 300) * 1_000_000_000L;
        Path root = System.getProperty("bench.dir") != null ? Path.of(System.getProperty("bench.dir"))
                : Files.createTempDirectory("h2-write-delay");
        for (String mode : System.getProperty("bench.modes", "0,500,0,500").split(",")) {
            Path dir = Files.createDirectories(root.resolve("wd" + mode + "-" + System.nanoTime()));
            try (Engines engines = Engines.open(Databases.h2(dir), 16, "")) {
                if (!mode.equals("0")) {
                    try (Connection c = engines.dataSource().getConnection(); Statement s = c.createStatement()) {
                        s.execute("SET WRITE_DELAY " + Integer.parseInt(mode));
                    }
                }
                LogEngine engine = engines.openLog("bench", NoteKeys.ed25519Signer(KEY)).engine();
                AtomicLong next = new AtomicLong();
                AtomicLong done = new AtomicLong();
                List<Thread> threads = new ArrayList<>();
                long start = System.nanoTime();
                for (int t = 0; t < 64; t++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            MessageDigest md = MessageDigest.getInstance("SHA-256");
                            long i;
                            while ((i = next.getAndIncrement()) < total && System.nanoTime() - start < maxNanos) {
                                byte[] body = ("entry " + i + " " + "x".repeat(80)).getBytes();
                                engine.add(new LogEngine.NewEntry(body, md.digest(body), List.of(), null));
                                done.incrementAndGet();
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                long window = Math.max(1, total / 5);
                long lastN = 0;
                long lastT = start;
                StringBuilder windows = new StringBuilder();
                while (threads.stream().anyMatch(Thread::isAlive)) {
                    Thread.sleep(50);
                    long n = done.get();
                    if (n - lastN >= window) {
                        long now = System.nanoTime();
                        windows.append(String.format(" %,d-%,d: %,.0f/s;", lastN, n, (n - lastN) / ((now - lastT) / 1e9)));
                        lastN = n;
                        lastT = now;
                    }
                }
                if (done.get() > lastN) { // the last, shorter window
                    windows.append(String.format(" %,d-%,d: %,.0f/s;", lastN, done.get(),
                            (done.get() - lastN) / ((System.nanoTime() - lastT) / 1e9)));
                }
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf("WRITE_DELAY=%s: %,d entries in %.1f s = %,.0f/s; file %.1f MB;%s load %s%n", mode,
                        done.get(), secs, done.get() / secs, Files.size(dir.resolve("tlog.mv.db")) / 1e6, windows,
                        Files.readString(Path.of("/proc/loadavg")).strip());
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
