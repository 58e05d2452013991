package dev.sigstack.tlog;

import dev.sigstack.core.tiles.TileLayout;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * The C2SP tlog-tiles read API: {@code GET /checkpoint} (never cached) and {@code GET /tile/...} (immutable).
 */
final class TiledReadService implements HttpService {
    private final LogEngine log;

    TiledReadService(LogEngine log) {
        this.log = log;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/checkpoint", this::checkpoint)
                .get("/tile/{+rest}", this::tile);
    }

    private void checkpoint(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(log.checkpoint().signedNote());
    }

    private void tile(ServerRequest req, ServerResponse res) {
        String rest = req.path().pathParameters().get("rest");
        Optional<TileLayout.TileRef> ref = TileLayout.parse(rest);
        if (ref.isEmpty()) {
            res.status(Status.NOT_FOUND_404).send("not a tile path: tile/" + rest);
            return;
        }
        TileLayout.TileRef t = ref.get();
        Optional<byte[]> data = t.isEntryBundle()
                ? log.entryBundle(t.index(), t.width())
                : log.tile(t.level(), t.index(), t.width());
        if (data.isEmpty()) {
            res.status(Status.NOT_FOUND_404).send("tile " + rest + " is not in the published tree");
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
        res.send(data.get());
    }
}
