package dev.sigstack.gate.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An {@code images[].glob} of a ClusterImagePolicy, compiled with policy-controller's rules: {@code *} matches any
 * run of non-{@code /} characters, {@code **} matches anything, the whole name must match, a bare {@code *} means
 * {@code index.docker.io/library/*} and {@code * /*} means {@code index.docker.io/*}{@code /*}. An image is matched by
 * its fully qualified name and, failing that, by the name as written.
 *
 * <p>Beyond policy-controller, so that a policy naming an image matches it however a pod spells it (issue 15): both
 * sides are normalized. The image's candidates are its normalized name ({@link ImageReference}: host case,
 * {@code :443}, Docker Hub aliases, {@code library/}), its repository without tag or digest, its tag when written with
 * both a tag and a digest, and the name as written. The glob is tried as written and, when its registry part is
 * literal, with that registry normalized the same way ({@code docker.io/nginx} is
 * {@code index.docker.io/library/nginx}; a glob without a registry, such as {@code myuser/myapp}, is a Docker Hub
 * name). Extra candidates can only make more policies match an image, never fewer, so no spelling escapes a policy.
 */
public final class ImageGlob {
    private static final Pattern VALID = Pattern.compile("^[a-zA-Z0-9-_:/*.@]+$");
    private final String glob;
    private final Pattern regex;
    /** The glob with its literal registry normalized, or null when that is the glob as written. */
    private final Pattern normalized;

    private ImageGlob(String glob, Pattern regex, Pattern normalized) {
        this.glob = glob;
        this.regex = regex;
        this.normalized = normalized;
    }

    /** Compiles a glob; {@link IllegalArgumentException} carries policy-controller's reason. */
    public static ImageGlob compile(String glob) {
        Objects.requireNonNull(glob, "glob");
        String g = glob;
        if (badPathPattern(g)) {
            throw new IllegalArgumentException("syntax error in pattern");
        }
        if (g.equals("*/*")) {
            g = "index.docker.io/*/*";
        }
        if (g.equals("*")) {
            g = "index.docker.io/library/*";
        }
        if (!VALID.matcher(g).matches()) {
            throw new IllegalArgumentException("invalid glob \"" + glob + "\"");
        }
        Pattern regex = regex(g);
        String n = normalize(g);
        return new ImageGlob(glob, regex, n.equals(g) ? null : regex(n));
    }

    private static Pattern regex(String g) {
        String re = g.replace(".", "\\.").replace("**", "#").replace("*", "[^/]*").replace("#", ".*");
        return Pattern.compile("^" + re + "$");
    }

    /**
     * The glob with a literal leading registry normalized as {@link ImageReference#normalizeRegistry}, and a glob
     * whose first component is a literal Docker Hub path (no {@code .} or {@code :}, as ggcr decides) qualified with
     * {@code index.docker.io/} and, for a single component, {@code library/}. Globs starting with a wildcard are left
     * alone: they already match the normalized name.
     */
    static String normalize(String g) {
        int slash = g.indexOf('/');
        String first = slash < 0 ? g : g.substring(0, slash);
        if (first.isEmpty() || first.contains("*")) {
            return g;
        }
        if (slash >= 0 && (first.contains(".") || first.contains(":"))) {
            String registry = ImageReference.normalizeRegistry(first);
            String rest = g.substring(slash + 1);
            if (registry.equals(ImageReference.DOCKER_HUB) && !rest.contains("/") && !rest.startsWith("*")) {
                rest = "library/" + rest;
            }
            return registry + "/" + rest;
        }
        if (first.contains(".")) {
            return g; // a bare host-like word: not a Docker Hub path worth guessing at
        }
        return ImageReference.DOCKER_HUB + "/" + (slash < 0 ? "library/" : "") + g;
    }

    /** What Go's {@code filepath.Match} reports as {@code ErrBadPattern}: an unclosed class or a trailing escape. */
    private static boolean badPathPattern(String g) {
        boolean inClass = false;
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '\\') {
                if (i + 1 >= g.length()) {
                    return true;
                }
                i++;
            } else if (c == '[' && !inClass) {
                inClass = true;
                if (i + 1 < g.length() && g.charAt(i + 1) == '^') {
                    i++;
                }
                if (i + 1 < g.length() && g.charAt(i + 1) == ']') {
                    return true;
                }
            } else if (c == ']' && inClass) {
                inClass = false;
            }
        }
        return inClass;
    }

    /** policy-controller's {@code glob.Match}: the image must parse as a reference. */
    public boolean matches(String image) {
        ImageReference ref = ImageReference.parse(image);
        String tagged = ImageReference.taggedName(image);
        for (String candidate : new String[] {ref.name(), ref.repositoryName(), tagged, image}) {
            if (candidate != null && (regex.matcher(candidate).matches()
                    || normalized != null && normalized.matcher(candidate).matches())) {
                return true;
            }
        }
        return false;
    }

    /** The glob as written. */
    public String glob() {
        return glob;
    }

    @Override
    public String toString() {
        return glob;
    }
}
