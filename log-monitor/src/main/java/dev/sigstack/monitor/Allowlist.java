package dev.sigstack.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The identities allowed to sign into the log: (subject, issuer) pairs given exactly or as regular expressions,
 * in the field names of policy-controller's keyless {@code identities} ({@code issuer}, {@code issuerRegExp},
 * {@code subject}, {@code subjectRegExp}), and bare keys by {@code keyId}. Each rule may be scoped to artifacts
 * (digests the entry records) or to the certificate's source repository.
 *
 * <p>Regular expressions have Go's RE2 syntax and semantics (RE2/J: linear time in the value's length, {@code $}
 * only at the end, no backreferences or lookaround; a pattern RE2 refuses is refused when the allowlist loads).
 * Unlike cosign's {@code --certificate-identity-regexp}, which finds a match anywhere in the value, a regular
 * expression here must match the whole value ({@link com.google.re2j.Matcher#matches()}): {@code
 * https://git\.internal/org/.*} does not allow {@code https://evil.example/?https://git.internal/org/x}. This is
 * deliberate: the allowlist is this monitor's own format, and an alarm rule that can be satisfied by a prefix is a
 * rule an attacker chooses values for.
 */
final class Allowlist {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> IDENTITY_FIELDS = Set.of("name", "issuer", "issuerRegExp", "subject",
            "subjectRegExp", "scope");
    private static final Set<String> KEY_FIELDS = Set.of("name", "keyId", "scope");
    private static final Set<String> SCOPE_FIELDS = Set.of("artifacts", "repository", "repositoryRegExp");

    private final List<Rule> rules;

    private Allowlist(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    static Allowlist empty() {
        return new Allowlist(List.of());
    }

    List<Rule> rules() {
        return rules;
    }

    /** Reads a YAML or JSON allowlist file. */
    static Allowlist load(Path file) throws AllowlistException {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new AllowlistException("cannot read allowlist " + file + ": " + e.getMessage(), e);
        }
    }

    static Allowlist parse(String text) throws AllowlistException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AllowlistException("allowlist is not valid YAML or JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return empty();
        }
        if (!root.isObject()) {
            throw new AllowlistException("allowlist must be a mapping with 'identities' and/or 'keys'");
        }
        requireOnly(root, Set.of("identities", "keys"), "allowlist");
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode n : list(root, "identities")) {
            String where = "identities[" + i++ + "]";
            requireOnly(n, IDENTITY_FIELDS, where);
            Matcher issuer = matcher(n, "issuer", where);
            Matcher subject = matcher(n, "subject", where);
            rules.add(new Rule(name(n, where), issuer, subject, null, scope(n.get("scope"), where)));
        }
        i = 0;
        for (JsonNode n : list(root, "keys")) {
            String where = "keys[" + i++ + "]";
            requireOnly(n, KEY_FIELDS, where);
            String keyId = string(n, "keyId", where);
            if (keyId == null || !keyId.toLowerCase(Locale.ROOT).matches("sha256:[0-9a-f]{64}")) {
                throw new AllowlistException(where + ".keyId must be sha256:<64 hex digits>");
            }
            rules.add(new Rule(name(n, where), null, null, keyId.toLowerCase(Locale.ROOT), scope(n.get("scope"), where)));
        }
        return new Allowlist(rules);
    }

    /**
     * Checks one signer of an entry.
     *
     * @return empty when a rule allows it; otherwise why not
     */
    Optional<String> violation(DecodedEntry entry, SignerIdentity who) {
        Rule outOfScope = null;
        for (Rule r : rules) {
            if (r.matchesIdentity(who)) {
                if (r.scope() == null || r.scope().covers(entry, who)) {
                    return Optional.empty();
                }
                outOfScope = r;
            }
        }
        if (outOfScope != null) {
            return Optional.of(who.pair() + " is allowed by '" + outOfScope.name() + "' only for "
                    + outOfScope.scope().describe());
        }
        return Optional.of(who.pair() + " is not on the allowlist");
    }

    /** One allowlist rule: an identity (issuer and subject matchers) or a key, with an optional scope. */
    record Rule(String name, Matcher issuer, Matcher subject, String keyId, Scope scope) {
        boolean matchesIdentity(SignerIdentity who) {
            if (keyId != null) {
                return keyId.equals(who.keyId());
            }
            return who.subject() != null && who.issuer() != null && issuer.matches(who.issuer())
                    && subject.matches(who.subject());
        }
    }

    /** An exact value or a whole-value regular expression. */
    record Matcher(String exact, Pattern regexp) {
        boolean matches(String value) {
            return exact != null ? exact.equals(value) : regexp.matcher(value).matches();
        }

        @Override
        public String toString() {
            return exact != null ? exact : "/" + regexp.pattern() + "/";
        }
    }

    /** Where a rule applies: entries recording one of {@code artifacts}, and/or certificates of a repository. */
    record Scope(Set<String> artifacts, Matcher repository) {
        boolean covers(DecodedEntry entry, SignerIdentity who) {
            if (!artifacts.isEmpty() && entry.artifacts().stream().noneMatch(artifacts::contains)) {
                return false;
            }
            return repository == null || (who.repository() != null && repository.matches(who.repository()));
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            if (!artifacts.isEmpty()) {
                parts.add("artifacts " + artifacts);
            }
            if (repository != null) {
                parts.add("repository " + repository);
            }
            return String.join(" and ", parts);
        }
    }

    private static Matcher matcher(JsonNode n, String field, String where) throws AllowlistException {
        String exact = string(n, field, where);
        String re = string(n, field + "RegExp", where);
        if ((exact == null) == (re == null)) {
            throw new AllowlistException(where + " needs exactly one of '" + field + "' and '" + field + "RegExp'");
        }
        if (exact != null) {
            if (exact.isEmpty()) {
                throw new AllowlistException(where + "." + field + " must not be empty");
            }
            return new Matcher(exact, null);
        }
        try {
            return new Matcher(null, Pattern.compile(re));
        } catch (PatternSyntaxException e) {
            throw new AllowlistException(where + "." + field + "RegExp is not a valid regular expression: "
                    + e.getMessage());
        }
    }

    private static Scope scope(JsonNode n, String where) throws AllowlistException {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new AllowlistException(where + ".scope must be a mapping");
        }
        requireOnly(n, SCOPE_FIELDS, where + ".scope");
        Set<String> artifacts = new HashSet<>();
        for (JsonNode a : list(n, "artifacts")) {
            if (!a.isTextual() || !a.textValue().toLowerCase(Locale.ROOT).matches("sha(256|384|512):[0-9a-f]{64,128}")) {
                throw new AllowlistException(where + ".scope.artifacts entries must be sha256:<hex> (or sha384/sha512)");
            }
            artifacts.add(a.textValue().toLowerCase(Locale.ROOT));
        }
        Matcher repo = null;
        if (n.has("repository") || n.has("repositoryRegExp")) {
            repo = matcher(n, "repository", where + ".scope");
        }
        if (artifacts.isEmpty() && repo == null) {
            throw new AllowlistException(where + ".scope must name artifacts or a repository");
        }
        return new Scope(Set.copyOf(artifacts), repo);
    }

    private static String name(JsonNode n, String where) throws AllowlistException {
        String name = string(n, "name", where);
        return name != null ? name : where;
    }

    private static String string(JsonNode n, String field, String where) throws AllowlistException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new AllowlistException(where + "." + field + " must be a string");
        }
        return v.textValue();
    }

    private static List<JsonNode> list(JsonNode parent, String field) throws AllowlistException {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new AllowlistException("'" + field + "' must be a list");
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    private static void requireOnly(JsonNode n, Set<String> allowed, String where) throws AllowlistException {
        if (!n.isObject()) {
            throw new AllowlistException(where + " must be a mapping");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new AllowlistException(where + " has an unknown field '" + f + "' (allowed: "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }
}
