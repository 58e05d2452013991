package dev.sigstack.ca.identity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.sigstack.core.x509.SubjectAltName;

/**
 * The parts of Go's {@code net/url} that Fulcio's principals use to write URIs into certificates:
 * {@code url.Parse}, {@code URL.JoinPath} and {@code URL.String} (Go 1.22 {@code net/url/url.go}), so a URI SAN
 * is the string Fulcio would write, non-ASCII percent-encoded as UTF-8 bytes.
 *
 * <p>Hand-written because no Java library has Go's exact escaping rules ({@code java.net.URI} quotes other
 * characters and keeps non-ASCII "other" characters). Kept to what Fulcio needs and stricter than Go where Go would
 * rewrite a claim into another identity:
 * <ul>
 *   <li>a claim holding {@code %} is refused: Go keeps a valid escape as it is, so {@code ma%C5%A9n} and
 *       {@code ma\u0169n} would give the same SAN;</li>
 *   <li>control characters are refused (Go's {@code url.Parse} refuses them too);</li>
 *   <li>{@link #checkedString} refuses any result whose percent-decoding is not exactly the unescaped input (Go
 *       lower-cases the scheme and drops an empty fragment; {@code JoinPath} cleans {@code .}, {@code ..} and
 *       {@code //} segments);</li>
 *   <li>userinfo ({@code user@host}) is refused.</li>
 * </ul>
 */
final class GoUrl {
    private String scheme = "";
    private String opaque = "";
    private String host = "";
    private String path = "";
    private String rawPath = "";
    private boolean forceQuery;
    private String rawQuery = "";
    private String fragment = "";
    private String rawFragment = "";

    private enum Mode { PATH, HOST, FRAGMENT }

    private GoUrl() {
    }

    /**
     * Refuses a claim that cannot go into a URI exactly: {@code %}, control characters, lone surrogates.
     *
     * @param what the claim's name, for the message
     */
    static void checkClaim(String value, String what) throws InvalidTokenException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                throw new InvalidTokenException(what + " contains '%', which a URI subject alternative name cannot hold"
                    + " unambiguously (Go keeps percent escapes, so it would name the same identity as the decoded form)");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidTokenException(String.format("%s contains the control character U+%04X, which a URI cannot hold",
                    what, (int) c));
            }
        }
        String problem = SubjectAltName.utf8Problem(value);
        if (problem != null) {
            throw new InvalidTokenException(what + " cannot be encoded exactly: " + problem);
        }
    }

    /** Go's {@code url.Parse}, for a string already checked with {@link #checkClaim}. */
    static GoUrl parse(String raw) throws InvalidTokenException {
        checkClaim(raw, "URI");
        GoUrl u = new GoUrl();
        String rest = raw;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            u.setFragment(rest.substring(hash + 1));
            rest = rest.substring(0, hash);
        }
        int colon = schemeEnd(rest);
        if (colon == 0) {
            throw new InvalidTokenException("URI '" + raw + "' is missing a protocol scheme");
        }
        if (colon > 0) {
            u.scheme = rest.substring(0, colon);
            if (!u.scheme.equals(u.scheme.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidTokenException("URI scheme of '" + raw + "' is not lower case (Go would rewrite it)");
            }
            rest = rest.substring(colon + 1);
        }
        if (rest.endsWith("?") && rest.indexOf('?') == rest.length() - 1) {
            u.forceQuery = true;
            rest = rest.substring(0, rest.length() - 1);
        } else {
            int q = rest.indexOf('?');
            if (q >= 0) {
                u.rawQuery = rest.substring(q + 1);
                rest = rest.substring(0, q);
            }
        }
        if (!rest.startsWith("/")) {
            if (!u.scheme.isEmpty()) {
                u.opaque = rest;
                return u;
            }
            int slash = rest.indexOf('/');
            if ((slash < 0 ? rest : rest.substring(0, slash)).contains(":")) {
                throw new InvalidTokenException("first path segment in URL cannot contain colon");
            }
        }
        if ((!u.scheme.isEmpty() || !rest.startsWith("///")) && rest.startsWith("//")) {
            String authority = rest.substring(2);
            int slash = authority.indexOf('/');
            rest = slash < 0 ? "" : authority.substring(slash);
            authority = slash < 0 ? authority : authority.substring(0, slash);
            if (authority.indexOf('@') >= 0) {
                throw new InvalidTokenException("URI '" + raw + "' has userinfo, which is not accepted in a subject");
            }
            u.host = parseHost(authority);
        }
        u.setPath(rest);
        return u;
    }

    /** Sets the scheme (GitLab's principal makes {@code ci_config_ref_uri} https). */
    GoUrl withScheme(String s) {
        GoUrl u = copy();
        u.scheme = s;
        return u;
    }

    /**
     * Go's {@code URL.JoinPath}, refusing claims that {@code path.Join} would clean: each claim element must be
     * non-empty, without a leading or trailing {@code /}, {@code //}, or a {@code .} or {@code ..} segment.
     */
    GoUrl joinPath(List<String> constants, String... elems) throws InvalidTokenException {
        for (String e : elems) {
            if (constants.contains(e)) {
                continue;
            }
            checkClaim(e, "URI path element");
            if (e.isEmpty() || e.startsWith("/") || e.endsWith("/") || e.contains("//") || ("/" + e + "/").contains("/./")
                    || ("/" + e + "/").contains("/../")) {
                throw new InvalidTokenException("URI path element '" + e + "' is empty or has '/', '//', '.' or '..' at an edge"
                    + " or as a segment, which Go's path.Join would rewrite");
            }
        }
        List<String> all = new ArrayList<>();
        all.add(escapedPath());
        all.addAll(List.of(elems));
        String p;
        if (!all.get(0).startsWith("/")) {
            all.set(0, "/" + all.get(0));
            p = join(all).substring(1);
        } else {
            p = join(all);
        }
        if (all.get(all.size() - 1).endsWith("/") && !p.endsWith("/")) {
            p += "/";
        }
        GoUrl u = copy();
        u.setPath(p);
        return u;
    }

    /** Go's {@code path.Join}: the non-empty elements joined with {@code /}, then cleaned. */
    private static String join(List<String> elems) {
        StringBuilder b = new StringBuilder();
        for (String e : elems) {
            if (e.isEmpty()) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append('/');
            }
            b.append(e);
        }
        return b.isEmpty() ? "" : clean(b.toString());
    }

    /** Go's {@code path.Clean}. */
    static String clean(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        boolean rooted = p.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!rooted) {
                    out.add("..");
                }
                continue;
            }
            out.add(seg);
        }
        String s = String.join("/", out);
        if (rooted) {
            return "/" + s;
        }
        return s.isEmpty() ? "." : s;
    }

    /** Go's {@code URL.String}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (!scheme.isEmpty()) {
            b.append(scheme).append(':');
        }
        if (!opaque.isEmpty()) {
            b.append(opaque);
        } else {
            if (!scheme.isEmpty() || !host.isEmpty()) {
                if (!host.isEmpty() || !path.isEmpty()) {
                    b.append("//");
                }
                b.append(escape(host, Mode.HOST));
            }
            String ep = escapedPath();
            if (!ep.isEmpty() && ep.charAt(0) != '/' && !host.isEmpty()) {
                b.append('/');
            }
            if (b.isEmpty()) {
                int slash = ep.indexOf('/');
                if ((slash < 0 ? ep : ep.substring(0, slash)).contains(":")) {
                    b.append("./");
                }
            }
            b.append(ep);
        }
        if (forceQuery || !rawQuery.isEmpty()) {
            b.append('?').append(rawQuery);
        }
        if (!fragment.isEmpty()) {
            b.append('#').append(!rawFragment.isEmpty() && validEncoded(rawFragment, Mode.FRAGMENT) ? rawFragment
                : escape(fragment, Mode.FRAGMENT));
        }
        return b.toString();
    }

    /**
     * {@link #toString()}, refused unless percent-decoding it gives back {@code expected} exactly (the identity the
     * claims name, before escaping).
     */
    String checkedString(String expected) throws InvalidTokenException {
        String s = toString();
        if (!percentDecode(s).equals(expected)) {
            throw new InvalidTokenException("URI '" + expected + "' would be written as '" + s
                + "', which names another identity");
        }
        return s;
    }

    /** UTF-8 percent-decoding; the inverse of Go's escaping for strings without a literal {@code %}. */
    static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
                out.write(Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    private GoUrl copy() {
        GoUrl u = new GoUrl();
        u.scheme = scheme;
        u.opaque = opaque;
        u.host = host;
        u.path = path;
        u.rawPath = rawPath;
        u.forceQuery = forceQuery;
        u.rawQuery = rawQuery;
        u.fragment = fragment;
        u.rawFragment = rawFragment;
        return u;
    }

    /** Go's {@code setPath} for input without {@code %} (unescaping is then the identity). */
    private void setPath(String p) {
        path = p;
        rawPath = escape(p, Mode.PATH).equals(p) ? "" : p;
    }

    private void setFragment(String f) {
        fragment = f;
        rawFragment = escape(f, Mode.FRAGMENT).equals(f) ? "" : f;
    }

    private String escapedPath() {
        if (!rawPath.isEmpty() && validEncoded(rawPath, Mode.PATH)) {
            return rawPath;
        }
        return escape(path, Mode.PATH);
    }

    /** Go's {@code getScheme}: the index of the scheme's colon, -1 if there is no scheme, 0 if it is missing. */
    private static int schemeEnd(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                continue;
            }
            if (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    return -1;
                }
                continue;
            }
            if (c == ':') {
                return i;
            }
            return -1;
        }
        return -1;
    }

    private static String parseHost(String host) throws InvalidTokenException {
        if (host.startsWith("[")) {
            int close = host.lastIndexOf(']');
            if (close < 0) {
                throw new InvalidTokenException("missing ']' in host");
            }
            String port = host.substring(close + 1);
            if (!validOptionalPort(port)) {
                throw new InvalidTokenException("invalid port " + port + " after host");
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && !validOptionalPort(host.substring(colon))) {
                throw new InvalidTokenException("invalid port " + host.substring(colon) + " after host");
            }
        }
        byte[] b = host.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if ((x & 0xff) < 0x80 && shouldEscape(x, Mode.HOST)) {
                throw new InvalidTokenException("invalid character '" + (char) x + "' in host name");
            }
        }
        return host;
    }

    private static boolean validOptionalPort(String port) {
        if (port.isEmpty()) {
            return true;
        }
        if (port.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code shouldEscape} for the modes Fulcio's URIs use. */
    private static boolean shouldEscape(byte b, Mode mode) {
        int c = b & 0xff;
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return false;
        }
        if (mode == Mode.HOST) {
            switch (c) {
                case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '[', ']', '<', '>', '"':
                    return false;
                default:
                    break;
            }
        }
        switch (c) {
            case '-', '_', '.', '~':
                return false;
            case '$', '&', '+', ',', '/', ':', ';', '=', '?', '@':
                return switch (mode) {
                    case PATH -> c == '?';
                    case FRAGMENT -> false;
                    case HOST -> true;
                };
            default:
                break;
        }
        if (mode == Mode.FRAGMENT) {
            switch (c) {
                case '!', '(', ')', '*':
                    return false;
                default:
                    break;
            }
        }
        return true;
    }

    private static boolean validEncoded(String s, Mode mode) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            switch (b) {
                case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '[', ']', '%':
                    break;
                default:
                    if (shouldEscape(b, mode)) {
                        return false;
                    }
            }
        }
        return true;
    }

    private static String escape(String s, Mode mode) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            if (shouldEscape(b, mode)) {
                out.append('%').append(String.format("%02X", b & 0xff));
            } else {
                out.append((char) b);
            }
        }
        return out.toString();
    }
}
