package dev.sigstack.gate.oci;

import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor.
 *
 * @param mediaType media type
 * @param digest {@code sha256:<hex>}
 * @param size size in bytes
 * @param annotations annotations, possibly empty
 * @param artifactType artifactType, or null
 */
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations,
        String artifactType) {
    public Descriptor {
        Objects.requireNonNull(digest, "digest");
        mediaType = mediaType == null ? "" : mediaType;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
