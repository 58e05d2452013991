package dev.sigstack.ca.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Fulcio's identity config ({@code FulcioConfig}), read unchanged from JSON (keys {@code OIDCIssuers},
 * {@code IssuerURL}, ...) or YAML (keys {@code oidc-issuers}, {@code issuer-url}, ...), and validated with
 * Fulcio's rules.
 *
 * <p>Beyond Fulcio: an issuer may carry {@code JWKSFile} (YAML {@code jwks-file}), a path to a static JWKS,
 * resolved against the config file's folder; such an issuer needs no discovery or network.
 */
public record IdentityConfig(Map<String, OidcIssuer> oidcIssuers, Map<String, OidcIssuer> metaIssuers,
                             Map<String, CiIssuerMetadata> ciIssuerMetadata) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Larger configs are refused before parsing (upstream's file is about 20 KiB). */
    static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

    public IdentityConfig {
        oidcIssuers = Map.copyOf(oidcIssuers);
        metaIssuers = Map.copyOf(metaIssuers);
        ciIssuerMetadata = ciIssuerMetadata == null ? Map.of() : Map.copyOf(ciIssuerMetadata);
    }

    public static IdentityConfig empty() {
        return new IdentityConfig(Map.of(), Map.of(), Map.of());
    }

    /** This config plus one more fixed issuer (for example the built-in development issuer). */
    public IdentityConfig with(OidcIssuer issuer) {
        Map<String, OidcIssuer> m = new LinkedHashMap<>(oidcIssuers);
        m.put(issuer.issuerUrl(), issuer);
        return new IdentityConfig(m, metaIssuers, ciIssuerMetadata);
    }

    public static IdentityConfig load(Path file) throws InvalidIdentityConfigException {
        try {
            return read(Files.readAllBytes(file), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new InvalidIdentityConfigException("cannot read identity config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates a config; relative {@code JWKSFile} paths resolve against {@code baseDir}. */
    public static IdentityConfig read(byte[] content, Path baseDir) throws InvalidIdentityConfigException {
        JsonNode root = tree(content);
        if (root == null || !root.isObject()) {
            throw new InvalidIdentityConfigException("identity config must be a mapping");
        }
        Map<String, OidcIssuer> issuers = new LinkedHashMap<>();
        Map<String, OidcIssuer> metas = new LinkedHashMap<>();
        Map<String, CiIssuerMetadata> ci = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields(field(root, "OIDCIssuers", "oidc-issuers"))) {
            issuers.put(e.getKey(), issuer(e.getKey(), e.getValue(), baseDir, false));
        }
        for (Map.Entry<String, JsonNode> e : fields(field(root, "MetaIssuers", "meta-issuers"))) {
            metas.put(e.getKey(), issuer(e.getKey(), e.getValue(), baseDir, true));
        }
        for (Map.Entry<String, JsonNode> e : fields(field(root, "CIIssuerMetadata", "ci-issuer-metadata"))) {
            ci.put(e.getKey(), ciMetadata(e.getKey(), e.getValue()));
        }
        IdentityConfig cfg = new IdentityConfig(issuers, metas, ci);
        cfg.validate();
        return cfg;
    }

    /**
     * Fulcio's parseConfig: JSON first, else YAML. YAML is read with SnakeYAML's safe loader, which resolves anchors
     * and aliases, including an alias used as a mapping key ({@code *github-type:} in upstream's config), then mapped
     * to a tree. Duplicate keys are refused (as Go's yaml.v3 refuses them); alias expansion and nesting are bounded by
     * SnakeYAML's limits (billion-laughs).
     */
    private static JsonNode tree(byte[] content) throws InvalidIdentityConfigException {
        if (content.length > MAX_CONFIG_BYTES) {
            throw new InvalidIdentityConfigException("identity config is larger than " + MAX_CONFIG_BYTES + " bytes");
        }
        try {
            return JSON.readTree(content);
        } catch (IOException notJson) {
            // not JSON: read it as YAML
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(100);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_CONFIG_BYTES);
        Object loaded;
        try {
            loaded = new Yaml(new SafeConstructor(options)).load(new String(content, java.nio.charset.StandardCharsets.UTF_8));
        } catch (YAMLException e) {
            throw new InvalidIdentityConfigException("identity config is neither JSON nor YAML: " + e.getMessage(), e);
        }
        try {
            return JSON.valueToTree(loaded);
        } catch (IllegalArgumentException e) {
            throw new InvalidIdentityConfigException("identity config holds values that cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The issuer config for a token's {@code iss}: an exact {@code OIDCIssuers} entry, else the first
     * {@code MetaIssuers} pattern that matches the whole URL ({@code *} matches {@code [-_a-zA-Z0-9]+}).
     */
    public Optional<OidcIssuer> issuerFor(String issuerUrl) {
        OidcIssuer exact = oidcIssuers.get(issuerUrl);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (Map.Entry<String, OidcIssuer> e : metaIssuers.entrySet()) {
            if (metaPattern(e.getKey()).matcher(issuerUrl).matches()) {
                return Optional.of(e.getValue().forMatchedUrl(issuerUrl));
            }
        }
        return Optional.empty();
    }

    /** Fulcio's meta-issuer pattern, anchored at both ends (GHSA-59jp-pj84-45mr). */
    static Pattern metaPattern(String meta) {
        StringBuilder re = new StringBuilder("^");
        String[] parts = meta.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append("[-_a-zA-Z0-9]+");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.append('$').toString());
    }

    private void validate() throws InvalidIdentityConfigException {
        for (Map.Entry<String, CiIssuerMetadata> e : ciIssuerMetadata.entrySet()) {
            // Fulcio's validateCIIssuerMetadata: every template parses (here: within the supported subset)
            CiIssuerMetadata m = e.getValue();
            List<String> templates = new ArrayList<>(m.extensionTemplates().values());
            if (m.sanTemplate() != null) {
                templates.add(m.sanTemplate());
            }
            for (String t : templates) {
                if (GoTemplate.isTemplate(t)) {
                    try {
                        GoTemplate.parse(t);
                    } catch (InvalidIdentityConfigException x) {
                        throw new InvalidIdentityConfigException("ci-issuer-metadata " + e.getKey() + ": " + x.getMessage(), x);
                    }
                }
            }
            for (String field : m.extensionTemplates().keySet()) {
                if (ExtensionFields.byName(field) == null) {
                    throw new InvalidIdentityConfigException("ci-issuer-metadata " + e.getKey() + ": unknown extension field '"
                        + field + "'");
                }
            }
        }
        for (OidcIssuer iss : oidcIssuers.values()) {
            validateIssuer(iss, false);
        }
        for (Map.Entry<String, OidcIssuer> e : metaIssuers.entrySet()) {
            validateIssuer(e.getValue(), true);
        }
    }

    private void validateIssuer(OidcIssuer iss, boolean meta) throws InvalidIdentityConfigException {
        String name = iss.issuerUrl();
        if (iss.caCert() != null) {
            try {
                if (CertificateFactory.getInstance("X.509").generateCertificates(
                        new ByteArrayInputStream(iss.caCert().getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEmpty()) {
                    throw new CertificateException("no certificate");
                }
            } catch (CertificateException e) {
                throw new InvalidIdentityConfigException("failed to parse CA certificate for issuer " + name);
            }
        }
        if (iss.issuerClaim() != null && !iss.issuerClaim().isEmpty() && iss.type() != IssuerType.EMAIL) {
            throw new InvalidIdentityConfigException("only email issuers can use issuer claim mapping (" + name + ")");
        }
        switch (iss.type()) {
            case SPIFFE -> {
                if (meta) {
                    throw new InvalidIdentityConfigException("SPIFFE meta issuers not supported");
                }
                if (iss.spiffeTrustDomain() == null || iss.spiffeTrustDomain().isEmpty()) {
                    throw new InvalidIdentityConfigException("spiffe issuer must have SPIFFETrustDomain set (" + name + ")");
                }
                if (!iss.spiffeTrustDomain().matches("[a-z0-9._-]+")) {
                    throw new InvalidIdentityConfigException("spiffe trust domain is invalid (" + name + ")");
                }
            }
            case URI -> {
                if (meta) {
                    break;
                }
                URI domain = uri(iss.subjectDomain(), "uri issuer must have SubjectDomain set", name);
                URI issuer = uri(iss.issuerUrl(), "issuer for uri must contain scheme", name);
                if (domain.getScheme() == null) {
                    throw new InvalidIdentityConfigException("SubjectDomain for uri must contain scheme (" + name + ")");
                }
                if (!domain.getScheme().equals(issuer.getScheme())) {
                    throw new InvalidIdentityConfigException("subject and issuer URI schemes do not match (" + name + ")");
                }
                checkDomain(domain.getHost(), issuer.getHost());
            }
            case USERNAME -> {
                if (meta) {
                    break;
                }
                if (iss.subjectDomain() == null || iss.subjectDomain().isEmpty()) {
                    throw new InvalidIdentityConfigException("username issuer must have SubjectDomain set (" + name + ")");
                }
                if (iss.subjectDomain().contains("://")) {
                    throw new InvalidIdentityConfigException("SubjectDomain for username should not contain scheme (" + name + ")");
                }
                checkDomain(iss.subjectDomain(), uri(iss.issuerUrl(), "issuer for username must contain scheme", name).getHost());
            }
            case CI_PROVIDER -> {
                if (iss.ciProvider() == null || !ciIssuerMetadata.containsKey(iss.ciProvider())) {
                    throw new InvalidIdentityConfigException("ci-provider issuer " + name + " names no CIIssuerMetadata entry '"
                        + iss.ciProvider() + "'");
                }
            }
            default -> { }
        }
    }

    private static URI uri(String s, String missing, String name) throws InvalidIdentityConfigException {
        if (s == null || s.isEmpty()) {
            throw new InvalidIdentityConfigException(missing + " (" + name + ")");
        }
        try {
            URI u = new URI(s);
            if (u.getScheme() == null && s.contains("://")) {
                throw new URISyntaxException(s, "no scheme");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new InvalidIdentityConfigException("invalid URL '" + s + "' (" + name + ")");
        }
    }

    /** Fulcio's validateAllowedDomain: equal hostnames, or the same last two labels. */
    private static void checkDomain(String subject, String issuer) throws InvalidIdentityConfigException {
        if (subject == null || issuer == null) {
            throw new InvalidIdentityConfigException("subject domain and issuer must have hostnames");
        }
        if (subject.equals(issuer)) {
            return;
        }
        String[] s = subject.split("\\.");
        String[] i = issuer.split("\\.");
        if (s.length < 2 || i.length < 2) {
            throw new InvalidIdentityConfigException("URI hostname too short: " + (s.length < 2 ? subject : issuer));
        }
        if (!(s[s.length - 1].equals(i[i.length - 1]) && s[s.length - 2].equals(i[i.length - 2]))) {
            throw new InvalidIdentityConfigException("hostname top-level and second-level domains do not match: "
                + subject + ", " + issuer);
        }
    }

    private static OidcIssuer issuer(String key, JsonNode n, Path baseDir, boolean meta) throws InvalidIdentityConfigException {
        if (!n.isObject()) {
            throw new InvalidIdentityConfigException("issuer " + key + " must be a mapping");
        }
        String url = text(n, "IssuerURL", "issuer-url");
        if (url == null || url.isEmpty()) {
            url = key;
        }
        String type = text(n, "Type", "type");
        if (type == null) {
            throw new InvalidIdentityConfigException("issuer " + key + " has no Type");
        }
        String jwks = text(n, "JWKSFile", "jwks-file");
        Path jwksFile = jwks == null ? null : (baseDir == null ? Path.of(jwks) : baseDir.resolve(jwks));
        JsonNode skip = field(n, "SkipEmailVerification", "skip-email-verification");
        return new OidcIssuer(meta ? key : url, text(n, "ClientID", "client-id"), IssuerType.fromConfig(type),
            text(n, "CIProvider", "ci-provider"), text(n, "IssuerClaim", "issuer-claim"),
            text(n, "SubjectDomain", "subject-domain"), text(n, "SPIFFETrustDomain", "spiffe-trust-domain"),
            text(n, "ChallengeClaim", "challenge-claim"), text(n, "CACert", "ca-cert"),
            skip != null && skip.asBoolean(false), jwksFile);
    }

    private static CiIssuerMetadata ciMetadata(String key, JsonNode n) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields(field(n, "DefaultTemplateValues", "default-template-values"))) {
            defaults.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        Map<String, String> templates = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields(field(n, "ExtensionTemplates", "extension-templates"))) {
            templates.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        }
        return new CiIssuerMetadata(defaults, templates, text(n, "SubjectAlternativeNameTemplate", "subject-alternative-name-template"));
    }

    private static JsonNode field(JsonNode n, String jsonName, String yamlName) {
        JsonNode v = n.get(jsonName);
        return v != null ? v : n.get(yamlName);
    }

    private static String text(JsonNode n, String jsonName, String yamlName) {
        JsonNode v = field(n, jsonName, yamlName);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode n) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        if (n != null && n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                out.add(it.next());
            }
        }
        return out;
    }
}
