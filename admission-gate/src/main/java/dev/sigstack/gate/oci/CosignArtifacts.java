package dev.sigstack.gate.oci;

import java.util.ArrayList;
import java.util.List;

/** Finds cosign's signatures, attestations and Sigstore bundles for an image digest. */
public final class CosignArtifacts {
    /** The Sigstore bundle artifact type cosign uses for OCI 1.1 referrers. */
    public static final String BUNDLE_ARTIFACT_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private final RegistryClient client;

    /** Over a registry client. */
    public CosignArtifacts(RegistryClient client) {
        this.client = client;
    }

    /**
     * Where signatures live: the image's own repository, or {@code source.oci} with its {@code tagPrefix}.
     *
     * @param registry registry host
     * @param repository repository path
     * @param tagPrefix prefix before {@code sha256-<hex>.sig}, "" when none
     */
    public record Location(String registry, String repository, String tagPrefix) {
        public Location {
            tagPrefix = tagPrefix == null ? "" : tagPrefix;
        }
    }

    /** The layers of {@code <prefix>sha256-<hex>.sig}; empty when the tag does not exist. */
    public List<SignatureLayer> signatures(Location at, String digest, RegistryCredentials creds)
            throws RegistryException {
        return layers(at, at.tagPrefix() + Digests.cosignTag(digest, ".sig"), creds);
    }

    /** The layers of {@code <prefix>sha256-<hex>.att}; empty when the tag does not exist. */
    public List<SignatureLayer> attestations(Location at, String digest, RegistryCredentials creds)
            throws RegistryException {
        return layers(at, at.tagPrefix() + Digests.cosignTag(digest, ".att"), creds);
    }

    /** Sigstore bundle JSON documents attached as referrers of the digest. */
    public List<byte[]> bundles(Location at, String digest, RegistryCredentials creds) throws RegistryException {
        List<byte[]> out = new ArrayList<>();
        for (Descriptor d : client.referrers(at.registry(), at.repository(), digest, BUNDLE_ARTIFACT_TYPE, creds)) {
            Manifest m = client.manifest(at.registry(), at.repository(), d.digest(), creds);
            for (Descriptor layer : m.layers()) {
                if (layer.mediaType().equals(BUNDLE_ARTIFACT_TYPE) || layer.mediaType().startsWith(
                        "application/vnd.dev.sigstore.bundle")) {
                    out.add(client.blob(at.registry(), at.repository(), layer.digest(), creds));
                }
            }
        }
        return out;
    }

    private List<SignatureLayer> layers(Location at, String tag, RegistryCredentials creds) throws RegistryException {
        Manifest m;
        try {
            m = client.manifest(at.registry(), at.repository(), tag, creds);
        } catch (RegistryException e) {
            if (e.notFound()) {
                return List.of();
            }
            throw e;
        }
        List<SignatureLayer> out = new ArrayList<>();
        for (Descriptor layer : m.layers()) {
            byte[] blob = client.blob(at.registry(), at.repository(), layer.digest(), creds);
            var a = layer.annotations();
            out.add(new SignatureLayer(layer.mediaType(), layer.digest(), blob, a.get(SignatureLayer.ANN_SIGNATURE),
                    a.get(SignatureLayer.ANN_CERTIFICATE), a.get(SignatureLayer.ANN_CHAIN),
                    a.get(SignatureLayer.ANN_BUNDLE), a.get(SignatureLayer.ANN_TIMESTAMP)));
        }
        return out;
    }
}
