package dev.sigstack.gate.policy;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.gate.policy.ClusterImagePolicy.Attestation;
import dev.sigstack.gate.policy.ClusterImagePolicy.Authority;
import dev.sigstack.gate.policy.ClusterImagePolicy.ConfigMapRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.Identity;
import dev.sigstack.gate.policy.ClusterImagePolicy.ImagePattern;
import dev.sigstack.gate.policy.ClusterImagePolicy.KeyRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.KeylessRef;
import dev.sigstack.gate.policy.ClusterImagePolicy.MatchResource;
import dev.sigstack.gate.policy.ClusterImagePolicy.PolicyBody;
import dev.sigstack.gate.policy.ClusterImagePolicy.Source;
import dev.sigstack.gate.policy.ClusterImagePolicy.Spec;
import dev.sigstack.gate.policy.ClusterImagePolicy.StaticRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

import java.util.regex.Pattern;

/**
 * Validates a ClusterImagePolicy exactly as policy-controller's {@code Validate} methods do (same checks, same order,
 * same knative messages), plus this gate's own refusal of {@code type: rego} and acceptance of {@code type: cel}.
 */
public final class PolicyValidator {
    /** Valid short predicate types: accepted with a deprecation warning. */
    public static final Set<String> SHORT_PREDICATE_TYPES = Set.of("custom", "slsaprovenance", "spdx", "spdxjson",
            "cyclonedx", "link", "vuln");
    /** Resources a policy may match, as policy-controller's webhook registers them. */
    public static final Set<String> RESOURCE_NAMES = Set.of("replicasets", "deployments", "pods", "cronjobs", "jobs",
            "statefulsets", "daemonsets");
    private static final List<String> KMS_PROVIDERS = List.of("awskms://", "azurekms://", "hashivault://",
            "gcpkms://");
    private static final Set<String> HASH_ALGORITHMS = Set.of("sha224", "sha256", "sha384", "sha512");
    private static final String UUID = "m?r?k?-?[A-Fa-f0-9]{8}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?"
            + "[A-Fa-f0-9]{12}";
    private static final String ARN = "arn:(?:aws|aws-us-gov|aws-cn):kms:[a-z0-9-]+:\\d{12}:";
    private static final String HOST = "([^/]*)/";
    private static final List<Pattern> AWS_KMS = List.of(
            Pattern.compile("^awskms://" + HOST + "(" + UUID + ")$"),
            Pattern.compile("^awskms://" + HOST + "(" + ARN + "key/" + UUID + ")$"),
            Pattern.compile("^awskms://" + HOST + "((alias/.*))$"),
            Pattern.compile("^awskms://" + HOST + "(" + ARN + "(alias/.*))$"));
    private static final String KMS_REFERENCE_ERROR =
            "kms key should be in the format awskms://[ENDPOINT]/[ID/ALIAS/ARN] (endpoint optional)";

    private final GateConfig config;
    private final String systemNamespace;

    /**
     * @param config the gate's config-policy-controller (fail-on-empty-authorities)
     * @param systemNamespace the namespace the gate runs in; a key Secret must live there
     */
    public PolicyValidator(GateConfig config, String systemNamespace) {
        this.config = config;
        this.systemNamespace = systemNamespace;
    }

    /** All errors and warnings of a policy. */
    public FieldError validate(ClusterImagePolicy cip) {
        return spec(cip.spec()).viaField("spec");
    }

    private FieldError spec(Spec spec) {
        FieldError errs = FieldError.none();
        if (spec.images().isEmpty()) {
            errs = errs.also(FieldError.missingField("images"));
        }
        for (int i = 0; i < spec.images().size(); i++) {
            errs = errs.also(image(spec.images().get(i)).viaFieldIndex("images", i));
        }
        if (spec.authorities().isEmpty() && config.failOnEmptyAuthorities()) {
            errs = errs.also(FieldError.missingField("authorities"));
        }
        for (int i = 0; i < spec.authorities().size(); i++) {
            errs = errs.also(authority(spec.authorities().get(i)).viaFieldIndex("authorities", i));
        }
        if (spec.mode() != null && !spec.mode().isEmpty() && !Set.of("enforce", "warn").contains(spec.mode())) {
            errs = errs.also(FieldError.invalidValue(spec.mode(), "mode", "unsupported mode"));
        }
        for (int i = 0; i < spec.match().size(); i++) {
            errs = errs.also(match(spec.match().get(i)).viaFieldIndex("match", i));
        }
        return errs.also(policy(spec.policy(), true).viaField("policy"));
    }

    private static FieldError image(ImagePattern image) {
        if (image.glob() == null || image.glob().isEmpty()) {
            return FieldError.missingField("glob");
        }
        return glob(image.glob()).viaField("glob");
    }

    /** policy-controller's {@code ValidateGlob}. */
    static FieldError glob(String glob) {
        try {
            ImageGlob.compile(glob);
            return FieldError.none();
        } catch (IllegalArgumentException e) {
            return FieldError.invalidValue(glob, "", "glob is invalid: " + e.getMessage());
        }
    }

    private FieldError authority(Authority a) {
        if (a.key() == null && a.keyless() == null && a.staticRef() == null) {
            return FieldError.missingOneOf("key", "keyless", "static");
        }
        int count = (a.key() != null ? 1 : 0) + (a.keyless() != null ? 1 : 0) + (a.staticRef() != null ? 1 : 0);
        if (count > 1) {
            return FieldError.multipleOneOf("key", "keyless", "static");
        }
        FieldError errs = FieldError.none();
        if (a.key() != null) {
            errs = errs.also(key(a.key()).viaField("key"));
        }
        if (a.keyless() != null) {
            errs = errs.also(keyless(a.keyless()).viaField("keyless"));
        }
        if (a.staticRef() != null) {
            errs = errs.also(staticRef(a.staticRef()).viaField("static"));
            if (!a.attestations().isEmpty()) {
                errs = errs.also(FieldError.multipleOneOf("static", "attestations"));
            }
            if (!a.sources().isEmpty()) {
                errs = errs.also(FieldError.multipleOneOf("static", "source"));
            }
            if (a.ctlog() != null) {
                errs = errs.also(FieldError.multipleOneOf("static", "ctlog"));
            }
            if (a.rfc3161timestamp() != null) {
                errs = errs.also(FieldError.multipleOneOf("static", "rfc3161timestamp"));
            }
        }
        if (a.sources().size() > 1) {
            errs = errs.also(FieldError.invalidValue("source", "source", "only single source is supported"));
        } else {
            for (int i = 0; i < a.sources().size(); i++) {
                errs = errs.also(source(a.sources().get(i)).viaFieldIndex("source", i));
            }
        }
        if (a.signatureFormat() != null && !a.signatureFormat().isEmpty()
                && !Set.of("legacy", "bundle").contains(a.signatureFormat())) {
            errs = errs.also(FieldError.invalidValue(a.signatureFormat(), "signatureFormat",
                    "signatureFormat must be legacy or bundle"));
        }
        for (Attestation att : a.attestations()) {
            errs = errs.also(attestation(att).viaField("attestations"));
        }
        return errs;
    }

    private static FieldError staticRef(StaticRef s) {
        if (s.action() == null || s.action().isEmpty()) {
            return FieldError.missingField("action");
        }
        if (!Set.of("fail", "pass").contains(s.action())) {
            return FieldError.invalidValue(s.action(), "action", "unsupported action");
        }
        return FieldError.none();
    }

    private static FieldError match(MatchResource m) {
        FieldError errs = FieldError.none();
        if (!m.resource().isEmpty() && !RESOURCE_NAMES.contains(m.resource())) {
            errs = errs.also(FieldError.invalidValue(m.resource(), "resource", "unsupported resource name"));
        }
        for (int i = 0; i < m.matchExpressions().size(); i++) {
            var r = m.matchExpressions().get(i);
            String at = "selector.matchExpressions[" + i + "]";
            if (!Set.of("In", "NotIn", "Exists", "DoesNotExist").contains(r.operator())) {
                errs = errs.also(FieldError.invalidValue(r.operator(), at + ".operator",
                        "not a valid selector operator"));
            } else if ((r.operator().equals("In") || r.operator().equals("NotIn")) == r.values().isEmpty()) {
                errs = errs.also(FieldError.invalidValue(r.values(), at + ".values",
                        "must be non-empty for In and NotIn, empty for Exists and DoesNotExist"));
            }
            if (r.key().isEmpty()) {
                errs = errs.also(FieldError.missingField(at + ".key"));
            }
        }
        if (m.selectorPresent() && m.resource().isEmpty() && m.version().isEmpty() && m.group().isEmpty()) {
            errs = errs.also(FieldError.invalidValue(m.resource(), "selector",
                    "selector requires a resource type to match the labels"));
        }
        return errs;
    }

    FieldError key(KeyRef key) {
        FieldError errs = FieldError.none();
        boolean data = key.data() != null && !key.data().isEmpty();
        boolean kms = key.kms() != null && !key.kms().isEmpty();
        if (!data && !kms && key.secretRef() == null) {
            errs = errs.also(FieldError.missingOneOf("data", "kms", "secretref"));
        }
        if (key.hashAlgorithm() != null && !key.hashAlgorithm().isEmpty()
                && !HASH_ALGORITHMS.contains(key.hashAlgorithm())) {
            errs = errs.also(FieldError.invalidValue(key.hashAlgorithm(), "hashAlgorithm", ""));
        }
        if (data) {
            if (kms || key.secretRef() != null) {
                errs = errs.also(FieldError.multipleOneOf("data", "kms", "secretref"));
            }
            if (!isPublicKeyOrCertificate(key.data())) {
                errs = errs.also(FieldError.invalidValue(key.data(), "data", ""));
            }
        } else if (kms && key.secretRef() != null) {
            errs = errs.also(FieldError.multipleOneOf("data", "kms", "secretref"));
        }
        if (kms) {
            errs = errs.also(kms(key.kms()).viaField("kms"));
        }
        if (key.secretRef() != null && key.secretRef().namespace() != null && !key.secretRef().namespace().isEmpty()
                && !key.secretRef().namespace().equals(systemNamespace)) {
            errs = errs.also(FieldError.invalidValue(key.secretRef().namespace(), "secretref.namespace",
                    "secretref.namespace is invalid. If set, it should use the same namespace where the "
                            + "policy-controller was deployed"));
        }
        return errs;
    }

    /** policy-controller's {@code common.ValidateKMS}. */
    static FieldError kms(String kms) {
        if (KMS_PROVIDERS.stream().noneMatch(kms::startsWith)) {
            return FieldError.invalidValue(kms, "",
                    "malformed KMS format, should be prefixed by any of the supported providers: " + KMS_PROVIDERS);
        }
        if (!kms.startsWith("awskms://")) {
            return FieldError.none();
        }
        String[] parts = kms.split("/", -1);
        if (parts.length < 4) {
            return FieldError.invalidValue(kms, "", "malformed AWS KMS format 'awskms://$ENDPOINT/$KEYID', should be "
                    + "conformant with KMS standard documented here: "
                    + "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id");
        }
        if (AWS_KMS.stream().noneMatch(p -> p.matcher(kms).matches())) {
            return FieldError.invalidValue(kms, "", KMS_REFERENCE_ERROR);
        }
        String endpoint = parts[2];
        if (!endpoint.isEmpty() && (endpoint.startsWith("arn") || endpoint.startsWith("alias"))) {
            return FieldError.invalidValue(kms, "", KMS_REFERENCE_ERROR);
        }
        if (!endpoint.isEmpty() && !endpoint.matches("[^:]*:[0-9a-zA-Z]*|\\[[^]]*]:[0-9a-zA-Z]*")) {
            return FieldError.invalidValue(kms, "", "malformed endpoint: address " + endpoint
                    + ": missing port in address");
        }
        String keyId = parts[3];
        String[] arn = keyId.split(":", 6);
        if (!keyId.startsWith("arn:") || arn.length != 6) {
            return FieldError.invalidValue(kms, "", "failed to parse either key or alias arn: arn: invalid prefix");
        }
        if (!arn[5].equals("key") && !arn[5].equals("alias")) {
            return FieldError.invalidValue(kms, "", "Got ARN: " + keyId + " Resource: " + arn[5]);
        }
        return FieldError.none();
    }

    private FieldError keyless(KeylessRef k) {
        FieldError errs = FieldError.none();
        // Upstream's defaulting webhook fills an absent url with the public-good Fulcio before this check, so a
        // keyless authority without url and ca-cert is accepted there; here it means the default internal root.
        if (k.url() != null && k.caCert() != null) {
            errs = errs.also(FieldError.multipleOneOf("url", "ca-cert"));
        }
        if (k.caCert() != null) {
            errs = errs.also(key(k.caCert()).viaField("ca-cert"));
        }
        if (k.identities() == null || k.identities().isEmpty()) {
            errs = errs.also(FieldError.missingField("identities"));
        } else {
            for (int i = 0; i < k.identities().size(); i++) {
                errs = errs.also(identity(k.identities().get(i)).viaFieldIndex("identities", i));
            }
        }
        return errs;
    }

    private static FieldError identity(Identity id) {
        FieldError errs = FieldError.none();
        if (present(id.issuer()) && present(id.issuerRegExp())) {
            errs = errs.also(FieldError.multipleOneOf("issuer", "issuerRegExp"));
        }
        if (present(id.subject()) && present(id.subjectRegExp())) {
            errs = errs.also(FieldError.multipleOneOf("subject", "subjectRegExp"));
        }
        if (present(id.issuerRegExp())) {
            errs = errs.also(regex(id.issuerRegExp()).viaField("issuerRegExp"));
        }
        if (present(id.subjectRegExp())) {
            errs = errs.also(regex(id.subjectRegExp()).viaField("subjectRegExp"));
        }
        if (!present(id.subjectRegExp()) && !present(id.subject())) {
            errs = errs.also(FieldError.missingField("subject", "subjectRegExp"));
        }
        if (!present(id.issuerRegExp()) && !present(id.issuer())) {
            errs = errs.also(FieldError.missingField("issuer", "issuerRegExp"));
        }
        return errs;
    }

    /**
     * Identity regexps compile with RE2 (RE2/J), as policy-controller's with Go's regexp: a pattern RE2 refuses
     * (backreferences, lookaround, possessive quantifiers, repeat counts over 1000) is refused at load time, with
     * Go's error text.
     */
    private static FieldError regex(String regex) {
        try {
            com.google.re2j.Pattern.compile(regex);
            return FieldError.none();
        } catch (com.google.re2j.PatternSyntaxException e) {
            return FieldError.invalidValue(regex, "", "regex is invalid: " + e.getMessage());
        }
    }

    private static FieldError source(Source s) {
        FieldError errs = FieldError.none();
        if (present(s.oci())) {
            String reason = ociError(s.oci());
            if (reason != null) {
                errs = errs.also(FieldError.invalidValue(s.oci(), "oci", reason));
            }
        }
        for (int i = 0; i < s.signaturePullSecrets().size(); i++) {
            if (s.signaturePullSecrets().get(i).isEmpty()) {
                errs = errs.also(FieldError.missingField("name")).viaFieldIndex("signaturePullSecrets", i);
            }
        }
        return errs;
    }

    private static final Pattern REGISTRY = Pattern.compile("[a-zA-Z0-9.-]+(:[0-9]+)?");
    private static final Pattern REPO = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
            + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    /** policy-controller's {@code common.ValidateOCI}: a registry, or a registry with a repository. */
    static String ociError(String oci) {
        String[] parts = oci.split("/", 2);
        if (parts.length == 2 && (parts[0].contains(".") || parts[0].contains(":"))) {
            if (!REGISTRY.matcher(parts[0]).matches()) {
                return "registries must be valid RFC 3986 URI authorities: " + parts[0];
            }
            if (!REPO.matcher(parts[1]).matches()) {
                return "repository can only contain the characters `abcdefghijklmnopqrstuvwxyz0123456789_-./`: "
                        + parts[1];
            }
            return null;
        }
        if (!REGISTRY.matcher(oci).matches()) {
            return "registries must be valid RFC 3986 URI authorities: " + oci;
        }
        return null;
    }

    private FieldError attestation(Attestation a) {
        FieldError errs = FieldError.none();
        if (!present(a.name())) {
            errs = errs.also(FieldError.missingField("name"));
        }
        if (!present(a.predicateType())) {
            errs = errs.also(FieldError.missingField("predicateType"));
        } else if (SHORT_PREDICATE_TYPES.contains(a.predicateType()) || !requestUri(a.predicateType())) {
            errs = errs.also(FieldError.invalidValue(a.predicateType(), "predicateType",
                    "deprecated value, please use RFC 3986 conformant values").at(FieldError.Level.WARNING));
        }
        return errs.also(policy(a.policy(), false).viaField("policy"));
    }

    /** Go's {@code url.ParseRequestURI} succeeds: an absolute URI or an absolute path. */
    private static boolean requestUri(String s) {
        try {
            URI u = new URI(s);
            return u.isAbsolute() || s.startsWith("/");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static FieldError policy(PolicyBody p, boolean inSpec) {
        if (p == null) {
            return FieldError.none();
        }
        FieldError errs = FieldError.none();
        String type = p.type() == null ? "" : p.type();
        if ("rego".equals(type)) {
            errs = errs.also(FieldError.invalidValue(type, "type", "rego policies are not supported by the "
                    + "sigstack admission gate (no Rego engine is shipped); write the policy as cue or cel"));
        } else if (!"cue".equals(type) && !"cel".equals(type)) {
            errs = errs.also(FieldError.invalidValue(type, "type", "only [cue,rego] are supported at the moment"
                    + " (this gate: cue and cel)"));
        }
        boolean data = present(p.data());
        boolean cm = p.configMapRef() != null;
        boolean remote = p.remotePresent();
        if (!data && !cm && !remote) {
            errs = errs.also(FieldError.missingField("data", "configMapRef", "remote"));
        }
        if (data && cm && remote) {
            errs = errs.also(FieldError.multipleOneOf("data", "configMapRef", "remote"));
        }
        if ((data && cm) || (data && remote) || (cm && remote)) {
            errs = errs.also(FieldError.multipleOneOf("data", "configMapRef", "remote"));
        }
        if (remote) {
            FieldError r = FieldError.none();
            String url = p.remoteUrl() == null ? "" : p.remoteUrl();
            URI u = null;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                u = null;
            }
            if (u == null || u.getHost() == null || !"https".equals(u.getScheme())) {
                r = r.also(FieldError.invalidValue(url, "url", "url valid is invalid. host and https scheme are "
                        + "expected"));
            }
            if (!present(p.remoteSha256())) {
                r = r.also(FieldError.missingField("sha256sum"));
            }
            errs = errs.also(r.viaField("remote"));
        }
        if (cm) {
            ConfigMapRef ref = p.configMapRef();
            FieldError c = FieldError.none();
            if (!present(ref.name())) {
                c = c.also(FieldError.missingField("name"));
            }
            if (!present(ref.key())) {
                c = c.also(FieldError.missingField("key"));
            }
            errs = errs.also(c.viaField("configMapRef"));
        }
        if (!inSpec && p.fetchConfigFile() != null) {
            errs = errs.also(FieldError.disallowedFields("fetchConfigFile"));
        }
        if (!inSpec && p.includeSpec() != null) {
            errs = errs.also(FieldError.disallowedFields("includeSpec"));
        }
        if (!inSpec && p.includeObjectMeta() != null) {
            errs = errs.also(FieldError.disallowedFields("includeObjectMeta"));
        }
        if (!inSpec && p.includeTypeMeta() != null) {
            errs = errs.also(FieldError.disallowedFields("includeTypeMeta"));
        }
        return errs;
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }


    /** Whether the text is a PEM public key or certificate (as cosign's {@code cryptoutils} reads it). */
    private static boolean isPublicKeyOrCertificate(String pem) {
        try {
            return Pem.readPublicKey(pem) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
