package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.merkle.Proofs;
import dev.sigstack.core.merkle.Rfc6962;
import dev.sigstack.core.note.Checkpoint;
import dev.sigstack.core.note.NoteKeys;
import dev.sigstack.core.note.SignedNote;
import dev.sigstack.core.tiles.EntryBundle;
import dev.sigstack.core.tiles.TileHashReader;
import dev.sigstack.core.tiles.TileLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tlog-tiles read API over a real socket: a client rebuilds proofs from served tiles alone. */
final class TlogServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int ENTRIES = 600;
    private static final byte[] WITNESS = new byte[32];

    @TempDir
    static Path dataDir;
    private static TlogServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        server = TlogServer.start(TlogServer.Config.defaults(dataDir).withHostname("tlog.test")
                .withWitnessKeys(List.of(dev.sigstack.core.note.Cosignatures.verifierKey("witness.test", WITNESS))),
                null);
        base = "http://127.0.0.1:" + server.port();
        for (int i = 0; i < ENTRIES; i++) {
            byte[] data = ("entry " + i).getBytes(StandardCharsets.UTF_8);
            server.engine().add(new LogEngine.NewEntry(data, Rfc6962.leafHash(data), List.of(), null));
        }
        server.engine().awaitIntegrated(ENTRIES - 1, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void checkpoint_servedNote_isSignedByLogKeyAndUncached() throws Exception {
        HttpResponse<byte[]> r = get("/checkpoint");
        assertEquals(200, r.statusCode());
        assertEquals("no-cache", r.headers().firstValue("cache-control").orElseThrow());
        SignedNote note = SignedNote.parse(new String(r.body(), StandardCharsets.UTF_8));
        note.verify(NoteKeys.ecdsaVerifier("tlog.test", server.publicKey()));
        assertEquals(ENTRIES, Checkpoint.parse(note.text()).size());
    }

    @Test
    void tiles_fetchedOverHttp_proveInclusionOfEveryBundledEntry() throws Exception {
        SignedNote note = SignedNote.parse(new String(get("/checkpoint").body(), StandardCharsets.UTF_8));
        Checkpoint cp = Checkpoint.parse(note.text());
        long size = cp.size();
        TileHashReader reader = new TileHashReader((level, index) -> {
            int width = TileLayout.widthAt(size, level, index);
            try {
                HttpResponse<byte[]> r = get("/" + TileLayout.tilePath(level, index, width));
                assertEquals(200, r.statusCode());
                assertTrue(r.headers().firstValue("cache-control").orElseThrow().contains("immutable"));
                return r.body();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertArrayEquals(cp.rootHash(), Proofs.root(size, reader));
        byte[] bundle = get("/" + TileLayout.entryBundlePath(2, TileLayout.entryBundleWidthAt(size, 2))).body();
        List<byte[]> entries = EntryBundle.decode(bundle);
        assertEquals(ENTRIES - 512, entries.size());
        long index = 512 + 7;
        Proofs.verifyInclusion(index, size, Rfc6962.leafHash(entries.get(7)),
                Proofs.inclusionProof(index, size, reader), cp.rootHash());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tile/0/003", "/tile/0/002.p/89", "/tile/1/000.p/3", "/tile/entries/005", "/tile/0/0002",
        "/tile/0/x000/002", "/tile/0/002.p/0", "/tile/abc", "/tile/0/002.p/256",
        "/tile/0/x999/x999/x999/x999/x999/x999/999", "/tile/entries/x018/x446/x744/x073/x709/x551/615",
        "/tile/1/x009/x223/x372/x036/x854/x775/807", "/tile/entries/x072/x057/x594/x037/x927/936",
        "/tile/0/x072/x057/x594/x037/x927/936"})
    void tile_beyondTreeOrMalformed_is404(String path) throws Exception {
        assertEquals(404, get(path).statusCode(), path);
    }

    @Test
    void cosignatures_fromConfiguredWitness_storedAndServed_othersRefused() throws Exception {
        String note = new String(get("/checkpoint").body(), StandardCharsets.UTF_8);
        String text = SignedNote.parse(note).text();
        String good = dev.sigstack.core.note.Cosignatures.cosign("witness.test", WITNESS, 1_800_000_000L, text).line();
        byte[] stranger = new byte[32];
        stranger[0] = 1;
        String unknown = dev.sigstack.core.note.Cosignatures.cosign("stranger.test", stranger, 1_800_000_000L, text).line();
        String wrongText = dev.sigstack.core.note.Cosignatures.cosign("witness.test", WITNESS, 1_800_000_000L,
                text.replace("\n" + ENTRIES + "\n", "\n1\n")).line();

        assertEquals(403, post("/checkpoint/cosignatures", unknown).statusCode());
        assertEquals(400, post("/checkpoint/cosignatures", wrongText).statusCode());
        assertEquals(400, post("/checkpoint/cosignatures", "not a signature line\n").statusCode());
        assertEquals(413, post("/checkpoint/cosignatures", "x".repeat(20_000)).statusCode());
        assertEquals(201, post("/checkpoint/cosignatures", good).statusCode());

        String served = new String(get("/checkpoint").body(), StandardCharsets.UTF_8);
        assertTrue(served.endsWith(good), served);
        SignedNote.parse(served).verify(NoteKeys.verifier(
                dev.sigstack.core.note.Cosignatures.verifierKey("witness.test", WITNESS)));
        SignedNote.parse(served).verify(NoteKeys.ecdsaVerifier("tlog.test", server.publicKey()));
    }

    private static HttpResponse<byte[]> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "text/plain").build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void health_reportsTreeSize() throws Exception {
        HttpResponse<byte[]> r = get("/observe/health");
        assertEquals(200, r.statusCode());
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"treeSize\":" + ENTRIES) && body.contains("\"sequencer\":true"), body);
        assertTrue(body.contains("\"name\":\"tlog\""), body);
        HttpResponse<byte[]> live = get("/observe/health/live");
        assertTrue(new String(live.body(), StandardCharsets.UTF_8).contains("\"name\":\"tlog\""),
                "a liveness check, as before it was named");
        // The charts' readiness probe: its own endpoint, apart from liveness.
        assertEquals(200, get("/observe/health/ready").statusCode());
    }
}
