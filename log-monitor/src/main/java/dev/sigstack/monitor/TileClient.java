package dev.sigstack.monitor;

import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tiles.TileLayout;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a log's tlog-tiles API over HTTP(S). Sizes are bounded, so a hostile log cannot exhaust memory. */
final class TileClient {
    /** A full hash tile is 8 KiB; a full entry bundle is at most 256 entries of up to 64 KiB. */
    private static final int MAX_TILE = TileLayout.WIDTH * TileLayout.HASH_SIZE;
    private static final int MAX_BUNDLE = TileLayout.WIDTH * (2 + 0xffff);

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    TileClient(URI base, HttpClient http, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.http = http;
        this.timeout = timeout;
    }

    static TileClient of(String baseUrl) {
        try {
            return of(baseUrl, javax.net.ssl.SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /** A client that trusts {@code tls} for https:// logs. */
    static TileClient of(String baseUrl, javax.net.ssl.SSLContext tls) {
        URI u = URI.create(baseUrl);
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
            throw new IllegalArgumentException("log URL must be http(s)://..., got " + baseUrl);
        }
        return new TileClient(u, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(tls).build(),
                Duration.ofSeconds(30));
    }

    URI base() {
        return base;
    }

    /** The signed checkpoint note, as served. */
    String checkpoint() throws IOException {
        return new String(get("checkpoint", SignedNote.MAX_NOTE_SIZE), StandardCharsets.UTF_8);
    }

    /** A hash tile of {@code width} hashes; checks the length. */
    byte[] tile(int level, long index, int width) throws IOException {
        byte[] t = get(TileLayout.tilePath(level, index, width), MAX_TILE);
        if (t.length != width * TileLayout.HASH_SIZE) {
            throw new LogReadException("tile " + level + "/" + index + " of width " + width + " has " + t.length
                    + " bytes, expected " + width * TileLayout.HASH_SIZE);
        }
        return t;
    }

    /** An entry bundle of {@code width} entries (decoding and counting is the caller's). */
    byte[] entryBundle(long index, int width) throws IOException {
        return get(TileLayout.entryBundlePath(index, width), MAX_BUNDLE);
    }

    private byte[] get(String path, int limit) throws IOException {
        URI u = base.resolve(path);
        HttpRequest req = HttpRequest.newBuilder(u).timeout(timeout).GET().build();
        HttpResponse<InputStream> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogReadException("interrupted while reading " + u, e);
        } catch (IOException e) {
            throw new LogReadException("cannot reach the log at " + u + ": " + e, e);
        }
        try (InputStream in = res.body()) {
            if (res.statusCode() != 200) {
                throw new LogReadException("GET " + u + " answered HTTP " + res.statusCode());
            }
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new LogReadException("GET " + u + " returned more than " + limit + " bytes");
            }
            return body;
        }
    }
}
