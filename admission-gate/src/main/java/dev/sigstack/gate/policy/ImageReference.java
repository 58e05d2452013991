package dev.sigstack.gate.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An OCI image reference parsed like go-containerregistry's {@code name.ParseReference} with weak validation:
 * the registry defaults to {@code index.docker.io}, a single-component Docker Hub repository gets {@code library/},
 * and the tag defaults to {@code latest}. {@link #name()} is ggcr's {@code Reference.Name()}.
 *
 * <p>The registry is normalized further than ggcr does, so that one image has one name however a pod spells it: the
 * host is lower-cased (DNS names are case-insensitive), an explicit {@code :443} (the HTTPS default) and a trailing
 * dot of a fully qualified host are dropped, and {@code docker.io}, {@code registry-1.docker.io} and
 * {@code index.docker.io} are all Docker Hub ({@code index.docker.io}, ggcr's {@code DefaultRegistry}). A reference
 * with both a tag and a digest is the digest, as in ggcr's {@code NewDigest}: the runtime pulls by digest and ignores
 * the tag ({@link #taggedName(String)} recovers the tag for glob matching).
 *
 * @param registry registry host (and port), {@code index.docker.io} for Docker Hub
 * @param repository repository path inside the registry
 * @param tag tag, or null for a digest reference
 * @param digest {@code sha256:<hex>}, or null for a tag reference
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    /** Docker Hub's resolved host, as go-containerregistry names it. */
    public static final String DOCKER_HUB = "index.docker.io";
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern REPOSITORY_CHARS = Pattern.compile("[a-z0-9_./-]+");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if ((tag == null) == (digest == null)) {
            throw new IllegalArgumentException("exactly one of tag and digest");
        }
    }

    /** Parses a reference, throwing {@link IllegalArgumentException} with ggcr's kind of message when invalid. */
    public static ImageReference parse(String image) {
        Objects.requireNonNull(image, "image");
        int at = image.indexOf('@');
        if (at >= 0) {
            String digest = image.substring(at + 1);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("could not parse reference: " + image);
            }
            String base = image.substring(0, at);
            String[] repo;
            try {
                ImageReference tagged = parseTag(base, image);
                repo = new String[] {tagged.registry, tagged.repository};
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("could not parse reference: " + image, e);
            }
            return new ImageReference(repo[0], repo[1], null, digest);
        }
        return parseTag(image, image);
    }

    private static ImageReference parseTag(String name, String original) {
        String base = name;
        String tag = "";
        int colon = name.lastIndexOf(':');
        if (colon >= 0 && name.indexOf('/', colon) < 0) {
            base = name.substring(0, colon);
            tag = name.substring(colon + 1);
        }
        if (tag.isEmpty()) {
            tag = "latest";
        } else if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("could not parse reference: " + original);
        }
        String registry = DOCKER_HUB;
        String repository = base;
        int slash = base.indexOf('/');
        if (slash >= 0) {
            String first = base.substring(0, slash);
            if (first.contains(".") || first.contains(":")) {
                registry = first;
                repository = base.substring(slash + 1);
            }
        }
        registry = normalizeRegistry(registry);
        if (repository.isEmpty() || repository.length() > 255 || !REPOSITORY_CHARS.matcher(repository).matches()
                || repository.startsWith("/") || repository.endsWith("/") || repository.contains("//")) {
            throw new IllegalArgumentException("could not parse reference: " + original);
        }
        if (registry.isEmpty() || registry.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw new IllegalArgumentException("could not parse reference: " + original);
        }
        if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        return new ImageReference(registry, repository, tag, null);
    }

    /**
     * The canonical spelling of a registry host: lower case, without {@code :443} or a trailing dot, Docker Hub's
     * aliases as {@code index.docker.io}.
     */
    public static String normalizeRegistry(String registry) {
        String r = registry.toLowerCase(java.util.Locale.ROOT);
        if (r.endsWith(":443")) {
            r = r.substring(0, r.length() - ":443".length());
        }
        if (r.endsWith(".") && r.length() > 1) {
            r = r.substring(0, r.length() - 1);
        }
        return switch (r) {
            case "docker.io", "registry-1.docker.io", DOCKER_HUB -> DOCKER_HUB;
            default -> r;
        };
    }

    /**
     * For a reference written with both a tag and a digest ({@code repo:tag@sha256:...}), the normalized
     * {@code registry/repository:tag}; otherwise null.
     */
    public static String taggedName(String image) {
        int at = image.indexOf('@');
        if (at < 0) {
            return null;
        }
        String base = image.substring(0, at);
        int colon = base.lastIndexOf(':');
        if (colon < 0 || base.indexOf('/', colon) >= 0) {
            return null;
        }
        try {
            return parseTag(base, image).name();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code registry/repository}. */
    public String repositoryName() {
        return registry + "/" + repository;
    }

    /** ggcr's {@code Name()}: {@code registry/repository:tag} or {@code registry/repository@digest}. */
    public String name() {
        return digest != null ? repositoryName() + "@" + digest : repositoryName() + ":" + tag;
    }

    /** True when pinned to a digest. */
    public boolean isDigest() {
        return digest != null;
    }

    /** The same repository pinned to {@code newDigest}. */
    public ImageReference withDigest(String newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    /** The tag or digest, as the registry's manifest endpoint takes it. */
    public String identifier() {
        return digest != null ? digest : tag;
    }

    @Override
    public String toString() {
        return name();
    }
}
