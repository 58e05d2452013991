package dev.sigstack.gate.oci;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds cosign's signatures, attestations and Sigstore bundles for an image digest, within the client's limits: at
 * most {@code maxLayers} layers per {@code .sig} / {@code .att} manifest (cosign's {@code maxAllowedSigsOrAtts}),
 * {@code maxReferrers} bundles per digest, {@code maxBlobBytes} per layer and {@code maxTotalBytes} per look-up. The
 * sizes the manifest declares are checked before any layer is read, and each layer is read only up to its declared
 * size, so an image over a limit costs the gate one manifest GET and is refused with a message naming the limit.
 */
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
        RegistryClient.Options o = client.options();
        List<Descriptor> referrers = client.referrers(at.registry(), at.repository(), digest, BUNDLE_ARTIFACT_TYPE,
                creds);
        if (referrers.size() > o.maxReferrers()) {
            throw new RegistryException(at.registry() + "/" + at.repository() + "@" + digest + " has "
                    + referrers.size() + " Sigstore bundle referrers, more than the limit of " + o.maxReferrers()
                    + " (--max-referrers); refused without reading them", 0);
        }
        List<byte[]> out = new ArrayList<>();
        try (Budget budget = new Budget(client, at, "the bundles of " + digest)) {
            for (Descriptor d : referrers) {
                Manifest m = client.manifest(at.registry(), at.repository(), d.digest(), creds);
                List<Descriptor> layers = m.layers().stream().filter(l -> l.mediaType().equals(BUNDLE_ARTIFACT_TYPE)
                        || l.mediaType().startsWith("application/vnd.dev.sigstore.bundle")).toList();
                budget.declare(layers);
                for (Descriptor layer : layers) {
                    out.add(budget.read(layer, creds));
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
        RegistryClient.Options o = client.options();
        if (m.layers().size() > o.maxLayers()) {
            throw new RegistryException(at.registry() + "/" + at.repository() + ":" + tag + " lists "
                    + m.layers().size() + " layers, more than the limit of " + o.maxLayers()
                    + " (--max-attachments); refused without reading them", 0);
        }
        List<SignatureLayer> out = new ArrayList<>();
        try (Budget budget = new Budget(client, at, tag)) {
            budget.declare(m.layers());
            for (Descriptor layer : m.layers()) {
                byte[] blob = budget.read(layer, creds);
                var a = layer.annotations();
                out.add(new SignatureLayer(layer.mediaType(), layer.digest(), blob,
                        a.get(SignatureLayer.ANN_SIGNATURE), a.get(SignatureLayer.ANN_CERTIFICATE),
                        a.get(SignatureLayer.ANN_CHAIN), a.get(SignatureLayer.ANN_BUNDLE),
                        a.get(SignatureLayer.ANN_TIMESTAMP)));
            }
        }
        return out;
    }

    /** The bytes one look-up may still read, and its share of the bytes all look-ups may hold. */
    private static final class Budget implements AutoCloseable {
        private final RegistryClient client;
        private final RegistryClient.Options o;
        private final Location at;
        private final String what;
        private final List<AutoCloseable> reservations = new ArrayList<>();
        private long declared;
        private long left;

        Budget(RegistryClient client, Location at, String what) {
            this.client = client;
            this.o = client.options();
            this.left = o.maxTotalBytes();
            this.at = at;
            this.what = what;
        }

        /**
         * Refuses layers whose declared sizes pass the per-layer or the total limit, before reading any; then waits
         * for room for them among all look-ups.
         */
        void declare(List<Descriptor> layers) throws RegistryException {
            long reserve = 0;
            for (Descriptor d : layers) {
                if (d.size() > o.maxBlobBytes()) {
                    throw new RegistryException(where() + ": layer " + d.digest() + " declares " + d.size()
                            + " bytes, more than the limit of " + o.maxBlobBytes() + " bytes per layer "
                            + "(--max-layer-bytes); refused without reading it", 0);
                }
                declared += Math.max(d.size(), 0);
                if (declared > o.maxTotalBytes()) {
                    throw new RegistryException(where() + ": the layers declare more than " + o.maxTotalBytes()
                            + " bytes in all, the limit per look-up (--max-total-bytes); refused without reading "
                            + "them", 0);
                }
                reserve += d.size() >= 0 ? d.size() : o.maxBlobBytes();
            }
            reservations.add(client.reserve(Math.min(reserve, o.maxTotalBytes()), where()));
        }

        /** A layer, read up to its declared size and within what is left. */
        byte[] read(Descriptor d, RegistryCredentials creds) throws RegistryException {
            long limit = Math.min(left, d.size() >= 0 ? d.size() : o.maxBlobBytes());
            byte[] b = client.blob(at.registry(), at.repository(), d.digest(), limit, creds);
            left -= b.length;
            return b;
        }

        private String where() {
            return at.registry() + "/" + at.repository() + " " + what;
        }

        @Override
        public void close() {
            for (AutoCloseable r : reservations) {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e); // a release does not fail
                }
            }
        }
    }
}
