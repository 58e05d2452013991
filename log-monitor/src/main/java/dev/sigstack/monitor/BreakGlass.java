package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Joins the admission gate's break-glass audit events to the log: for each image of the admitted pod, whether
 * its digest was signed into the log and by whom, raised as one {@link AlertType#BREAK_GLASS} alert.
 *
 * <p>An image is looked up by two digests: the image manifest digest itself (what in-toto attestations and
 * {@code cosign sign-blob} of a manifest record), and the digest of the payload that {@code cosign sign} signs
 * for it, the simple-signing JSON of {@code sigstore/sigstore} {@code pkg/signature/payload} with the image's
 * repository as {@code docker-reference} and {@code "optional":null}, which is what a hashedrekord entry of
 * {@code cosign sign} without annotations records.
 */
final class BreakGlass {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final int MAX_IMAGES = 64;

    private final MonitorStore store;
    private final AlertDispatcher alerts;

    BreakGlass(MonitorStore store, AlertDispatcher alerts) {
        this.store = store;
        this.alerts = alerts;
    }

    /** A malformed event; the message says what is wrong. */
    static final class BadEventException extends Exception {
        BadEventException(String message) {
            super(message);
        }
    }

    /**
     * Accepts one event: {@code {"namespace", "pod", "images": [...]}} (or {@code "containers": [{"image"}]} or a
     * single {@code "image"}), with optional {@code "user"}, {@code "reason"}, {@code "time"}. Raises the alert and
     * returns its JSON.
     */
    ObjectNode accept(byte[] body) throws BadEventException, SQLException {
        JsonNode event;
        try {
            event = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadEventException("break-glass event is not JSON");
        }
        if (event == null || !event.isObject()) {
            throw new BadEventException("break-glass event must be a JSON object");
        }
        Set<String> images = images(event);
        if (images.isEmpty()) {
            throw new BadEventException("break-glass event names no image (expected 'images', 'containers[].image' or 'image')");
        }
        if (images.size() > MAX_IMAGES) {
            throw new BadEventException("break-glass event names more than " + MAX_IMAGES + " images");
        }
        ArrayNode found = JsonNodeFactory.instance.arrayNode();
        List<String> summary = new ArrayList<>();
        for (String image : images) {
            ObjectNode o = found.addObject();
            o.put("image", image);
            int at = image.lastIndexOf('@');
            String digest = at < 0 ? null : image.substring(at + 1).toLowerCase(Locale.ROOT);
            if (digest == null || !DIGEST.matcher(digest).matches()) {
                o.put("signed", false);
                o.put("note", "the image is not pinned by a sha256 digest, so the log cannot be searched for it");
                summary.add(image + ": not pinned by digest");
                continue;
            }
            String repository = dockerReference(image.substring(0, at));
            o.put("digest", digest);
            o.put("cosignPayloadDigest", cosignPayloadDigest(repository, digest));
            ArrayNode entries = o.putArray("entries");
            Set<Long> seen = new LinkedHashSet<>();
            for (String d : List.of(digest, cosignPayloadDigest(repository, digest))) {
                for (MonitorStore.Hit h : store.byArtifact(d, 100)) {
                    ObjectNode e = entries.addObject();
                    e.put("logIndex", h.index());
                    e.put("uuid", h.uuid());
                    e.put("kind", h.kind());
                    e.put("matched", d.equals(digest) ? "image digest" : "cosign signature payload");
                    e.put("allowed", h.allowed());
                    e.set("identity", h.identity());
                    seen.add(h.index());
                }
            }
            o.put("signed", !seen.isEmpty());
            if (seen.isEmpty()) {
                summary.add(image + ": NOT signed in the log");
            } else {
                List<String> who = new ArrayList<>();
                entries.forEach(e -> who.add(e.path("identity").path("subject").asText(e.path("identity").path("keyId").asText())));
                summary.add(image + ": signed by " + String.join(", ", new LinkedHashSet<>(who)));
            }
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.set("event", event);
        details.set("images", found);
        String where = event.path("namespace").asText("?") + "/" + event.path("pod").asText(event.path("name").asText("?"));
        Alert alert = new Alert(AlertType.BREAK_GLASS, Instant.now(), -1, null, null,
                "pod " + where + " admitted through break-glass: " + String.join("; ", summary), details);
        alerts.raise(List.of(alert));
        return alert.toJson();
    }

    private static Set<String> images(JsonNode event) throws BadEventException {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode i : event.path("images")) {
            out.add(text(i, "images[]"));
        }
        for (JsonNode c : event.path("containers")) {
            out.add(text(c.path("image"), "containers[].image"));
        }
        if (event.has("image")) {
            out.add(text(event.get("image"), "image"));
        }
        return out;
    }

    private static String text(JsonNode n, String where) throws BadEventException {
        if (!n.isTextual() || n.textValue().isBlank() || n.textValue().length() > 1024) {
            throw new BadEventException(where + " must be an image reference string");
        }
        return n.textValue().strip();
    }

    /**
     * The repository as go-containerregistry's {@code Repository.Name()} writes it: registry and path, with
     * Docker Hub's defaults ({@code index.docker.io}, {@code library/}) applied and any tag removed.
     */
    static String dockerReference(String nameWithoutDigest) {
        String name = nameWithoutDigest;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon); // a tag
        }
        int first = name.indexOf('/');
        String head = first < 0 ? "" : name.substring(0, first);
        boolean hasRegistry = first >= 0 && (head.contains(".") || head.contains(":") || head.equals("localhost"));
        if (!hasRegistry) {
            return "index.docker.io/" + (first < 0 ? "library/" + name : name);
        }
        if (head.equals("docker.io")) {
            String rest = name.substring(first + 1);
            return "index.docker.io/" + (rest.contains("/") ? rest : "library/" + rest);
        }
        return name;
    }

    /** sha256 of cosign's simple-signing payload for {@code repository@digest} without annotations. */
    static String cosignPayloadDigest(String repository, String digest) {
        String payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"" + goJsonEscape(repository)
                + "\"},\"image\":{\"docker-manifest-digest\":\"" + digest
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
        return "sha256:" + HexFormat.of().formatHex(EntryDecoder.sha256(payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** Go's encoding/json string escaping for the characters a repository name could hold. */
    private static String goJsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026");
    }
}
