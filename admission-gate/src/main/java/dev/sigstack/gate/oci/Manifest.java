package dev.sigstack.gate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A manifest or index as served, with its digest.
 *
 * @param mediaType the media type (from the document, or the Content-Type)
 * @param digest {@code sha256:<hex>} of {@code raw}
 * @param raw the exact bytes
 * @param layers layers of an image manifest (empty for an index)
 * @param manifests manifests of an index (empty for an image manifest)
 * @param subject the subject, or null
 * @param artifactType artifactType, or null
 * @param annotations manifest annotations
 */
public record Manifest(String mediaType, String digest, byte[] raw, List<Descriptor> layers,
        List<Descriptor> manifests, Descriptor subject, String artifactType, Map<String, String> annotations) {
    /** OCI image manifest. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** OCI image index. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** Docker schema 2 manifest. */
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    /** Docker manifest list. */
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        Objects.requireNonNull(digest, "digest");
        raw = raw.clone();
        layers = List.copyOf(layers);
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /** True for an index or manifest list. */
    public boolean isIndex() {
        return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST);
    }

    /** Parses a manifest or index; the media type falls back to {@code contentType}. */
    static Manifest parse(byte[] raw, String digest, String contentType) throws RegistryException {
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (IOException e) {
            throw new RegistryException("manifest " + digest + " is not JSON", 0); // its text is never repeated
        }
        if (root == null || !root.isObject()) {
            throw new RegistryException("manifest " + digest + " is not a JSON object", 0);
        }
        String mediaType = root.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = contentType == null ? "" : contentType.split(";")[0].strip();
        }
        if (mediaType.isEmpty()) {
            mediaType = root.has("manifests") ? OCI_INDEX : OCI_MANIFEST;
        }
        return new Manifest(mediaType, digest, raw, descriptors(root.path("layers")),
                descriptors(root.path("manifests")),
                root.hasNonNull("subject") ? descriptor(root.get("subject")) : null,
                root.hasNonNull("artifactType") ? root.get("artifactType").asText()
                        : root.path("config").path("mediaType").asText(null),
                annotations(root.path("annotations")));
    }

    static List<Descriptor> descriptors(JsonNode arr) throws RegistryException {
        List<Descriptor> out = new ArrayList<>();
        if (arr.isArray()) {
            for (JsonNode d : arr) {
                out.add(descriptor(d));
            }
        }
        return out;
    }

    static Descriptor descriptor(JsonNode d) throws RegistryException {
        String digest = d.path("digest").asText("");
        if (!Digests.valid(digest)) {
            throw new RegistryException("descriptor with an invalid digest: " + digest, 0);
        }
        return new Descriptor(d.path("mediaType").asText(""), digest, d.path("size").asLong(-1),
                annotations(d.path("annotations")), d.hasNonNull("artifactType") ? d.get("artifactType").asText()
                        : null);
    }

    static Map<String, String> annotations(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n.isObject()) {
            n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }
}
