package dev.sigstack.tlog;

import dev.sigstack.core.merkle.HashReader;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteFormatException;
import dev.sigstack.core.note.NoteVerificationException;
import dev.sigstack.core.note.NoteVerifier;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tiles.EntryBundle;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A client of one tlog-service over HTTP/1.1 (keep-alive): the test append route and the tlog-tiles read API. */
public final class LogClient {
    /** A non-201 answer to an append. */
    public static final class AppendRejected extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        AppendRejected(int status, String body) {
            super("append answered " + status + ": " + body);
            this.status = status;
        }
    }

    /** A verified checkpoint as fetched, with where and when it was seen. */
    public record SeenCheckpoint(long size, byte[] root, String note, String from) { }

    private final HttpClient http;
    private final String base;

    public LogClient(String base) {
        this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build());
    }

    LogClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    public String base() {
        return base;
    }

    /** POSTs to {@code path}; returns the response body of a 201, else throws {@link AppendRejected}. */
    public String post(String path, byte[] body) throws IOException, InterruptedException, AppendRejected {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AppendRejected(r.statusCode(), r.body());
        }
        return r.body();
    }

    /** POSTs a proposed entry to the Rekor v1 API; returns what its 201 says. */
    public HashedRekords.Created createEntry(byte[] proposedEntry) throws IOException, InterruptedException, AppendRejected {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/log/entries"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(proposedEntry)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AppendRejected(r.statusCode(), r.body());
        }
        return HashedRekords.parseCreated(r.body());
    }

    /** Appends raw leaf data through the TEST-ONLY route; returns the acknowledged index. */
    long append(byte[] leaf) throws IOException, InterruptedException, AppendRejected {
        return Long.parseLong(post("/test/append", leaf).strip());
    }

    /** GET; null for 404. */
    public byte[] get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** Whether this process reports holding the sequencing lease (health detail {@code sequencer}). */
    boolean isSequencer() throws IOException, InterruptedException {
        String health = new String(get("/observe/health"), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sequencer\"\\s*:\\s*(true|false)")
                .matcher(health);
        if (!m.find()) {
            throw new AssertionError("no sequencer detail in health: " + health);
        }
        return Boolean.parseBoolean(m.group(1));
    }

    /** {@code GET /checkpoint}, its signature verified. */
    public SeenCheckpoint checkpoint(NoteVerifier verifier) throws IOException, InterruptedException {
        String note = new String(get("/checkpoint"), StandardCharsets.UTF_8);
        try {
            SignedNote n = SignedNote.parse(note);
            n.verify(verifier);
            Checkpoint c = Checkpoint.parse(n.text());
            return new SeenCheckpoint(c.size(), c.rootHash(), note, base);
        } catch (NoteFormatException | NoteVerificationException e) {
            throw new AssertionError("checkpoint from " + base + " does not verify: " + e.getMessage() + "\n" + note, e);
        }
    }

    /** Waits until the published size reaches {@code size}; returns that checkpoint. */
    public SeenCheckpoint awaitSize(long size, NoteVerifier verifier, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SeenCheckpoint c = checkpoint(verifier);
            if (c.size() >= size) {
                return c;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("published size stayed at " + c.size() + ", below " + size);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Node hashes of the tree of {@code size} read from hash tiles over HTTP, each tile fetched once and each node
     * computed once (complete-subtree hashes never change as the log grows, so any smaller tree can use them).
     */
    public HashReader hashReader(long size) {
        Map<Long, byte[]> tiles = new HashMap<>();
        TileHashReader tilesReader = new TileHashReader((level, index) -> tiles.computeIfAbsent(
                ((long) level << 56) | index, k -> {
                    String path = "/" + TileLayout.tilePath(level, index, TileLayout.widthAt(size, level, index));
                    try {
                        byte[] t = get(path);
                        if (t == null) {
                            throw new IllegalStateException(path + " is not served");
                        }
                        return t;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }));
        Map<Long, byte[]> nodes = new HashMap<>();
        return (level, index) -> nodes.computeIfAbsent(((long) level << 56) | index,
                k -> tilesReader.hash(level, index));
    }

    /** The entries of the tree of {@code size}, read from entry bundles over HTTP. */
    public List<byte[]> entries(long size) throws IOException, InterruptedException {
        List<byte[]> out = new java.util.ArrayList<>((int) size);
        for (long b = 0; b * TileLayout.WIDTH < size; b++) {
            String path = "/" + TileLayout.entryBundlePath(b, TileLayout.entryBundleWidthAt(size, b));
            byte[] bundle = get(path);
            if (bundle == null) {
                throw new AssertionError(path + " is not served");
            }
            out.addAll(EntryBundle.decode(bundle));
        }
        return out;
    }
}
