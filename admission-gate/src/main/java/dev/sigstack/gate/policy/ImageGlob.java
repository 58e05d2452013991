package dev.sigstack.gate.policy;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An {@code images[].glob} of a ClusterImagePolicy, compiled with policy-controller's rules: {@code *} matches any
 * run of non-{@code /} characters, {@code **} matches anything, the whole name must match, a bare {@code *} means
 * {@code index.docker.io/library/*} and {@code * /*} means {@code index.docker.io/*}{@code /*}. An image is matched by
 * its fully qualified name and, failing that, by the name as written.
 */
public final class ImageGlob {
    private static final Pattern VALID = Pattern.compile("^[a-zA-Z0-9-_:/*.@]+$");
    private final String glob;
    private final Pattern regex;

    private ImageGlob(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
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
        String re = g.replace(".", "\\.").replace("**", "#").replace("*", "[^/]*").replace("#", ".*");
        return new ImageGlob(glob, Pattern.compile("^" + re + "$"));
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
        String name = ref.name();
        boolean match = regex.matcher(name).matches();
        if (!match && !name.equals(image)) {
            match = regex.matcher(image).matches();
        }
        return match;
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
