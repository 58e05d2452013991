package dev.sigstack.gate.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstack.core.verify.Artifact;
import dev.sigstack.core.verify.BundleVerificationException;
import dev.sigstack.core.verify.BundleVerifier;
import dev.sigstack.core.verify.VerificationPolicy;
import dev.sigstack.core.verify.VerificationResult;
import dev.sigstack.gate.oci.CosignArtifacts;
import dev.sigstack.gate.oci.Digests;
import dev.sigstack.gate.oci.RegistryClient;
import dev.sigstack.gate.oci.RegistryCredentials;
import dev.sigstack.gate.oci.RegistryException;
import dev.sigstack.gate.oci.SignatureLayer;
import dev.sigstack.gate.policy.ClusterImagePolicy;
import dev.sigstack.gate.policy.ClusterImagePolicy.Attestation;
import dev.sigstack.gate.policy.ClusterImagePolicy.Authority;
import dev.sigstack.gate.policy.ClusterImagePolicy.MatchResource;
import dev.sigstack.gate.policy.FieldError;
import dev.sigstack.gate.policy.GateConfig;
import dev.sigstack.gate.policy.ImageGlob;
import dev.sigstack.gate.policy.ImageReference;
import dev.sigstack.core.pem.Pem;
import dev.sigstack.gate.predicate.PolicyViolation;
import dev.sigstack.gate.predicate.PredicatePolicy;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Decides one image against the current policies, with policy-controller's semantics: every matching policy must
 * pass (AND), a policy passes when at least one of its authorities does (OR) and its {@code spec.policy} holds, an
 * image that no policy matches follows {@code no-match-policy}, and a policy in {@code mode: warn} turns its failure
 * into a warning. Outcomes are cached in a {@link VerdictCache} keyed on every input in full (image digest and
 * repository, policy revision, trust-root and secret version, namespace, pull credentials, and the workload itself for
 * policies that read it), bounded by entries and bytes, with a TTL; concurrent requests for the same key share one
 * verification, and registry look-ups are shared by all authorities.
 */
public final class PolicyEngine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient registry;
    private final CosignArtifacts artifacts;
    private final Supplier<GateConfig> config;
    private final Supplier<List<CompiledPolicy>> policies;
    private final Environment env;
    private final Clock clock;
    private final Duration ttl;
    private final VerdictCache outcomes;
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong verifications = new AtomicLong();
    private final AtomicLong registryLookups = new AtomicLong();

    private record Cached<T>(CompletableFuture<T> future, long expiresAtMillis) {
    }

    /**
     * The outcome of one policy for one image.
     *
     * @param matched authority names that passed (empty when the policy failed)
     * @param errors the reasons, when it failed
     */
    record PolicyOutcome(List<String> matched, List<String> errors, boolean transientFailure) {
        PolicyOutcome(List<String> matched, List<String> errors) {
            this(matched, errors, false);
        }
    }

    /**
     * @param ttl how long a verification outcome is reused
     */
    public PolicyEngine(RegistryClient registry, Supplier<GateConfig> config, Supplier<List<CompiledPolicy>> policies,
            Environment env, Clock clock, Duration ttl) {
        this(registry, config, policies, env, clock, ttl, VerdictCache.DEFAULT_MAX_ENTRIES,
                VerdictCache.DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxVerdicts how many verdicts the cache keeps at most
     * @param maxVerdictBytes how many bytes of keys and verdicts it keeps at most
     */
    public PolicyEngine(RegistryClient registry, Supplier<GateConfig> config, Supplier<List<CompiledPolicy>> policies,
            Environment env, Clock clock, Duration ttl, long maxVerdicts, long maxVerdictBytes) {
        this.outcomes = new VerdictCache(clock, ttl, maxVerdicts, maxVerdictBytes);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.artifacts = new CosignArtifacts(registry);
        this.config = config;
        this.policies = policies;
        this.env = env;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Cache hits so far (a decision served without verifying). */
    public long cacheHits() {
        return cacheHits.get();
    }

    /** Policy verifications actually run. */
    public long verifications() {
        return verifications.get();
    }

    /** Registry look-ups actually made (manifests and tag listings for signatures). */
    public long registryLookups() {
        return registryLookups.get();
    }

    /** Drops every cached outcome (policies, trust roots or secrets changed). */
    public void invalidate() {
        outcomes.invalidateAll();
    }

    /**
     * The digest a reference points at (tags resolved through the registry), or null when no policy's glob names the
     * image: the gate contacts only registries that a policy names, so a pod cannot make it reach any address.
     */
    public String resolveDigest(String image, RegistryCredentials pullCredentials) throws RegistryException {
        ImageReference ref = ImageReference.parse(image);
        if (!covered(image)) {
            return null;
        }
        return registry.resolve(ref, pullCredentials);
    }

    /** True when some policy's glob matches the image (whatever its {@code match} selects). */
    public boolean covered(String image) {
        for (CompiledPolicy p : policies.get()) {
            for (ImageGlob g : p.globs()) {
                try {
                    if (g.matches(image)) {
                        return true;
                    }
                } catch (IllegalArgumentException e) {
                    return false; // an unparsable image names no registry
                }
            }
        }
        return false;
    }

    /**
     * Decides one image. The returned errors have the path {@code image} (callers prefix the container field) and
     * include warnings at {@link FieldError.Level#WARNING}; an empty result admits silently.
     */
    public FieldError validate(String image, ResourceContext ctx) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            return FieldError.generic(e.getMessage(), "image");
        }
        List<CompiledPolicy> matching = matching(image, ctx);
        if (matching.isEmpty()) {
            return noMatch(image);
        }
        String digest;
        try {
            digest = ref.isDigest() ? ref.digest() : registry.resolve(ref, ctx.pullCredentials());
        } catch (RegistryException e) {
            return FieldError.generic("failed to resolve " + image + " to a digest: " + e.getMessage(), "image")
                    .withDetails(image);
        }
        ImageReference pinned = ref.withDigest(digest);
        Map<String, List<String>> failures = new TreeMap<>();
        Map<String, Boolean> warnPolicies = new LinkedHashMap<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        // Registry look-ups are shared by the policies of this decision only: payloads are never kept past it (the
        // outcome cache keeps verified results).
        Map<String, Cached<Object>> lookups = new ConcurrentHashMap<>();
        for (CompiledPolicy p : matching) {
            VerdictCache.Key key = new VerdictCache.Key(digest, pinned.repositoryName(), p.revision(),
                    env.version(), ctx.namespace(), ctx.pullCredentials().fingerprint(),
                    needsContext(p) ? context(ctx) : "");
            CompletableFuture<PolicyOutcome> f = outcomes.get(key, cacheHits, () -> {
                verifications.incrementAndGet();
                return validatePolicy(pinned, p, ctx, lookups);
            });
            f.thenAccept(o -> {
                if (o.transientFailure()) {
                    // A refusal caused by an unreachable registry is answered, not remembered.
                    outcomes.forget(key, f);
                }
            });
            all.add(f.thenAccept(o -> {
                if (o.matched().isEmpty()) {
                    synchronized (failures) {
                        failures.put(p.name(), o.errors());
                        warnPolicies.put(p.name(), p.policy().warnMode());
                    }
                }
            }));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FieldError.generic("context was canceled before validation completed", "image");
        } catch (ExecutionException e) {
            return FieldError.generic("internal error: " + e.getCause(), "image").withDetails(image);
        }
        FieldError errs = FieldError.none();
        for (var e : failures.entrySet()) {
            String details = image + " " + String.join(" ", e.getValue());
            FieldError fe = FieldError.generic("failed policy: " + e.getKey(), "image").withDetails(details);
            errs = errs.also(Boolean.TRUE.equals(warnPolicies.get(e.getKey())) ? fe.at(FieldError.Level.WARNING) : fe);
        }
        return errs;
    }

    /** The parts of the workload a policy may read, in full: the cache compares them, not a hash of them. */
    private static String context(ResourceContext ctx) {
        return ctx.spec() + "\u0000" + ctx.objectMeta() + "\u0000" + ctx.typeMeta();
    }

    /** Verdicts cached now (after pending evictions). */
    long cachedVerdicts() {
        return outcomes.size();
    }

    /** Bytes of verdicts cached now, each counted at least at its floor. */
    long cachedVerdictBytes() {
        return outcomes.weight();
    }

    private static boolean needsContext(CompiledPolicy p) {
        var body = p.policy().spec().policy();
        return body != null && (Boolean.TRUE.equals(body.includeSpec()) || Boolean.TRUE.equals(body.includeObjectMeta())
                || Boolean.TRUE.equals(body.includeTypeMeta()));
    }

    private FieldError noMatch(String image) {
        FieldError e = FieldError.generic("no matching policies", "image").withDetails(image);
        return switch (config.get().noMatchPolicy()) {
            case ALLOW -> FieldError.none();
            case WARN -> e.at(FieldError.Level.WARNING);
            case DENY -> e;
        };
    }

    /** Policies whose globs match the image and whose {@code match} selects the resource. */
    List<CompiledPolicy> matching(String image, ResourceContext ctx) {
        List<CompiledPolicy> out = new ArrayList<>();
        for (CompiledPolicy p : policies.get()) {
            boolean globMatch = false;
            for (ImageGlob g : p.globs()) {
                try {
                    if (g.matches(image)) {
                        globMatch = true;
                        break;
                    }
                } catch (IllegalArgumentException e) {
                    // An unparsable image matches nothing; validate() reports it.
                }
            }
            if (globMatch && resourceMatches(p.policy(), ctx)) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean resourceMatches(ClusterImagePolicy p, ResourceContext ctx) {
        List<MatchResource> match = p.spec().match();
        if (match.isEmpty()) {
            return true;
        }
        for (MatchResource m : match) {
            if (!m.resource().isEmpty() && !m.resource().equals(ctx.resource())) {
                continue;
            }
            if (!m.version().isEmpty() && !m.version().equals(ctx.version())) {
                continue;
            }
            if (!m.group().isEmpty() && !m.group().equals(ctx.group())) {
                continue;
            }
            if (m.selects(ctx.labels())) {
                return true;
            }
        }
        return false;
    }

    private <T> CompletableFuture<T> cached(Map<String, Cached<T>> cache, String key, AtomicLong hits,
            Supplier<T> compute) {
        long now = clock.millis();
        boolean[] mine = {false};
        Cached<T> c = cache.compute(key, (k, old) -> {
            if (old != null && old.expiresAtMillis() > now && !old.future().isCompletedExceptionally()) {
                return old;
            }
            mine[0] = true;
            return new Cached<>(new CompletableFuture<>(), now + ttl.toMillis());
        });
        if (!mine[0]) {
            if (hits != null) {
                hits.incrementAndGet();
            }
            return c.future();
        }
        try {
            c.future().complete(compute.get());
        } catch (RuntimeException e) {
            c.future().completeExceptionally(e);
            cache.remove(key, c);
        }
        return c.future();
    }

    // ---------------------------------------------------------------------------------------------------------

    private PolicyOutcome validatePolicy(ImageReference ref, CompiledPolicy cp, ResourceContext ctx,
            Map<String, Cached<Object>> scope) {
        ClusterImagePolicy cip = cp.policy();
        Lookups lookups = new Lookups(ref, scope);
        List<String> matched = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean transientFailure = false;
        Map<String, Object> authorityMatches = new LinkedHashMap<>();
        for (int i = 0; i < cip.spec().authorities().size(); i++) {
            Authority a = cip.spec().authorities().get(i);
            try {
                Object m = authority(ref, cp, i, a, lookups, ctx);
                matched.add(a.name());
                authorityMatches.put(a.name(), m);
            } catch (VerificationException e) {
                errors.add(e.getMessage());
                transientFailure |= e.getCause() instanceof RegistryException;
            }
        }
        if (matched.isEmpty()) {
            if (errors.isEmpty()) {
                errors.add("failed to process policy: " + cip.name());
            }
            return new PolicyOutcome(List.of(), errors, transientFailure);
        }
        if (cp.specPolicy() != null) {
            ObjectNode result = JSON.createObjectNode();
            result.set("authorityMatches", JSON.valueToTree(authorityMatches));
            var body = cip.spec().policy();
            if (Boolean.TRUE.equals(body.fetchConfigFile())) {
                try {
                    result.set("config", configFiles(ref, ctx.pullCredentials()));
                } catch (RegistryException | java.io.IOException e) {
                    errors.add("failed to get a ConfigFile for " + ref.name() + ": " + e.getMessage());
                    return new PolicyOutcome(List.of(), errors, true);
                }
            }
            if (Boolean.TRUE.equals(body.includeSpec()) && ctx.spec() != null) {
                result.set("spec", ctx.spec());
            }
            if (Boolean.TRUE.equals(body.includeObjectMeta()) && ctx.objectMeta() != null) {
                result.set("metadata", ctx.objectMeta());
            }
            if (Boolean.TRUE.equals(body.includeTypeMeta()) && ctx.typeMeta() != null) {
                result.set("typemeta", ctx.typeMeta());
            }
            try {
                cp.specPolicy().evaluate(result);
            } catch (PolicyViolation v) {
                errors.add("failed evaluating " + body.type() + " policy for ClusterImagePolicy: " + v.getMessage());
                return new PolicyOutcome(List.of(), errors);
            }
        }
        return new PolicyOutcome(matched, List.of());
    }

    /**
     * policy-controller's {@code fetchConfigFile}: the image config of every platform, keyed by
     * {@code os/architecture[/variant][:osVersion]} as go-containerregistry's {@code Platform.String()}.
     */
    private ObjectNode configFiles(ImageReference ref, RegistryCredentials creds)
            throws RegistryException, java.io.IOException {
        ObjectNode out = JSON.createObjectNode();
        dev.sigstack.gate.oci.Manifest m = registry.manifest(ref, creds);
        if (m.isIndex()) {
            if (m.manifests().size() > registry.options().maxReferrers()) {
                throw new RegistryException(ref.name() + " is an index of " + m.manifests().size()
                        + " manifests, more than the limit of " + registry.options().maxReferrers(), 0);
            }
            com.fasterxml.jackson.databind.JsonNode idx = JSON.readTree(m.raw());
            for (com.fasterxml.jackson.databind.JsonNode d : idx.path("manifests")) {
                dev.sigstack.gate.oci.Manifest child = registry.manifest(ref.registry(), ref.repository(),
                        d.path("digest").asText(), creds);
                if (!child.isIndex()) {
                    com.fasterxml.jackson.databind.JsonNode cfg = config(ref, child, creds);
                    out.set(platform(cfg), cfg);
                }
            }
        } else {
            com.fasterxml.jackson.databind.JsonNode cfg = config(ref, m, creds);
            out.set(platform(cfg), cfg);
        }
        return out;
    }

    private com.fasterxml.jackson.databind.JsonNode config(ImageReference ref, dev.sigstack.gate.oci.Manifest m,
            RegistryCredentials creds) throws RegistryException, java.io.IOException {
        String digest = JSON.readTree(m.raw()).path("config").path("digest").asText("");
        return JSON.readTree(registry.blob(ref.registry(), ref.repository(), digest, creds));
    }

    private static String platform(com.fasterxml.jackson.databind.JsonNode cfg) {
        String p = cfg.path("os").asText("") + "/" + cfg.path("architecture").asText("");
        if (!cfg.path("variant").asText("").isEmpty()) {
            p += "/" + cfg.path("variant").asText();
        }
        if (!cfg.path("os.version").asText("").isEmpty()) {
            p += ":" + cfg.path("os.version").asText();
        }
        return p;
    }

    /** Evaluates one authority; returns its match (for spec.policy) or throws the reason. */
    private Object authority(ImageReference ref, CompiledPolicy cp, int index, Authority a, Lookups lookups,
            ResourceContext ctx) throws VerificationException {
        if (a.staticRef() != null) {
            if ("fail".equals(a.staticRef().action())) {
                throw new VerificationException("disallowed by static policy: "
                        + (a.staticRef().message() == null ? "" : a.staticRef().message()));
            }
            return Map.of("static", true);
        }
        if (a.bundleFormat()) {
            return bundleAuthority(ref, cp, index, a, lookups, ctx);
        }
        String mode = a.keyless() != null ? "keyless" : "key";
        boolean atts = !a.attestations().isEmpty();
        Signer signer;
        List<PublicKey> tlogKeys;
        try {
            signer = signer(a);
            tlogKeys = tlogKeys(a);
        } catch (VerificationException e) {
            throw new VerificationException((atts ? "attestation " : "signature ") + mode + " validation failed for "
                    + "authority " + a.name() + " for " + ref.name() + ": " + e.getMessage());
        }
        ArtifactVerifier verifier;
        try {
            verifier = new ArtifactVerifier(signer, tlogKeys, tsaChain(a));
        } catch (VerificationException e) {
            throw new VerificationException((atts ? "attestation " : "signature ") + mode + " validation failed for "
                    + "authority " + a.name() + " for " + ref.name() + ": " + e.getMessage());
        }
        CosignArtifacts.Location at = location(ref, a);
        RegistryCredentials creds = credentials(a, ctx);
        if (!atts) {
            List<SignatureLayer> layers = lookups.get(at, "sig", creds);
            List<VerifiedArtifact> ok = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            for (SignatureLayer l : layers) {
                try {
                    ok.add(verifier.signature(l, ref.digest()));
                } catch (VerificationException e) {
                    reasons.add(e.getMessage());
                }
            }
            if (ok.isEmpty()) {
                String why = layers.isEmpty() ? "no signatures found"
                        : "no matching signatures: " + String.join("; ", new LinkedHashSet<>(reasons));
                throw new VerificationException("signature " + mode + " validation failed for authority " + a.name()
                        + " for " + ref.name() + ": " + why);
            }
            return Map.of("signatures", ok.stream().map(VerifiedArtifact::asPolicySignature).toList());
        }
        List<SignatureLayer> layers = lookups.get(at, "att", creds);
        List<VerifiedArtifact> ok = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (SignatureLayer l : layers) {
            try {
                ok.add(verifier.attestation(l, ref.digest()));
            } catch (VerificationException e) {
                reasons.add(e.getMessage());
            }
        }
        if (ok.isEmpty()) {
            String why = layers.isEmpty() ? "no matching attestations: no attestations found"
                    : "no matching attestations: " + String.join("; ", new LinkedHashSet<>(reasons));
            throw new VerificationException("attestation " + mode + " validation failed for authority " + a.name()
                    + " for " + ref.name() + ": " + why);
        }
        return matchAttestations(cp, index, a, ok);
    }

    private static Object matchAttestations(CompiledPolicy cp, int index, Authority a, List<VerifiedArtifact> ok)
            throws VerificationException {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Attestation want : a.attestations()) {
            String wantType = Predicates.uri(want.predicateType());
            Set<String> checked = new LinkedHashSet<>();
            String firstError = null;
            List<Map<String, Object>> passing = new ArrayList<>();
            for (VerifiedArtifact v : ok) {
                String got = v.statement().path("predicateType").asText("");
                checked.add(got);
                if (!got.equals(wantType)) {
                    continue;
                }
                PredicatePolicy pp = cp.attestationPolicies().get(index + "/" + want.name());
                if (pp != null) {
                    try {
                        pp.evaluate(v.statement());
                    } catch (PolicyViolation e) {
                        if (firstError == null) {
                            firstError = "failed evaluating " + want.policy().type() + " policy for " + want.name()
                                    + ": " + e.getMessage();
                        }
                        continue;
                    }
                }
                Map<String, Object> m = v.asPolicySignature();
                m.put("predicateType", got);
                passing.add(m);
            }
            if (passing.isEmpty()) {
                if (firstError != null) {
                    throw new VerificationException(firstError);
                }
                throw new VerificationException("no matching attestations with type " + want.predicateType()
                        + ", checked the following predicateTypes: \"" + String.join(",", checked) + "\"");
            }
            byName.put(want.name(), passing);
        }
        return Map.of("attestations", byName);
    }

    /** The cosign predicate type of an image signature in the Sigstore bundle format. */
    static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

    /** {@code signatureFormat: bundle}: Sigstore bundles found as OCI 1.1 referrers, verified by core's BundleVerifier. */
    private Object bundleAuthority(ImageReference ref, CompiledPolicy cp, int index, Authority a, Lookups lookups,
            ResourceContext ctx) throws VerificationException {
        boolean atts = !a.attestations().isEmpty();
        String prefix = (atts ? "attestation" : "signature") + " keyless validation failed for authority " + a.name()
                + " for " + ref.name() + ": ";
        if (a.keyless() == null) {
            throw new VerificationException(prefix + "when using the new bundle format, the authority must be keyless");
        }
        TrustedMaterial tm = env.trustRoot(a.keyless().trustRootRef()).orElseThrow(() -> new VerificationException(
                prefix + "trustRootRef " + a.keyless().trustRootRef() + " not found"));
        if (tm.trustedRoot() == null) {
            throw new VerificationException(prefix + "trust root " + tm.name() + " has no certificate authority or "
                    + "transparency log for bundle verification");
        }
        BundleVerifier verifier = a.keyless().insecureIgnoreSct()
                ? BundleVerifier.withCtlogThreshold(tm.trustedRoot(), 0) : BundleVerifier.of(tm.trustedRoot());
        List<byte[]> bundles = lookups.bundles(location(ref, a), credentials(a, ctx));
        byte[] digest = java.util.HexFormat.of().parseHex(ref.digest().substring("sha256:".length()));
        List<VerifiedArtifact> ok = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (byte[] b : bundles) {
            String last = null;
            for (var id : a.keyless().identities()) {
                try {
                    VerificationResult r = verifier.verify(b, new Artifact.Digest(digest), new VerificationPolicy
                            .Identity(matcher(id.subject(), id.subjectRegExp()), matcher(id.issuer(),
                            id.issuerRegExp())));
                    String subject = r.signerIdentity().map(i -> i.san().value()).orElse("");
                    String issuer = r.signerIdentity().map(i -> i.issuer()).orElse("");
                    ok.add(new VerifiedArtifact(Digests.sha256(b), subject, issuer, statementOf(b)));
                    last = null;
                    break;
                } catch (BundleVerificationException | IllegalArgumentException e) {
                    last = e.getMessage();
                }
            }
            if (last != null) {
                reasons.add(last);
            }
        }
        if (!atts) {
            List<VerifiedArtifact> sigs = ok.stream().filter(v -> v.statement() == null
                    || COSIGN_SIGN_PREDICATE.equals(v.statement().path("predicateType").asText())).toList();
            if (sigs.isEmpty()) {
                throw new VerificationException(prefix + (bundles.isEmpty() ? "no signatures found"
                        : "no matching signatures: " + String.join("; ", new LinkedHashSet<>(reasons))));
            }
            return Map.of("signatures", sigs.stream().map(VerifiedArtifact::asPolicySignature).toList());
        }
        List<VerifiedArtifact> statements = ok.stream().filter(v -> v.statement() != null).toList();
        if (statements.isEmpty()) {
            throw new VerificationException(prefix + (bundles.isEmpty() ? "no matching attestations: no attestations "
                    + "found" : "no matching attestations: " + String.join("; ", new LinkedHashSet<>(reasons))));
        }
        return matchAttestations(cp, index, a, statements);
    }

    /** Exact, or a policy-controller regexp (RE2, Go {@code MatchString}: a match anywhere; core's matcher). */
    private static VerificationPolicy.Matcher matcher(String exact, String regexp) {
        if (regexp != null && !regexp.isEmpty()) {
            return VerificationPolicy.Matcher.regexp(regexp);
        }
        return VerificationPolicy.Matcher.exact(exact);
    }

    /** The in-toto statement of a DSSE bundle, or null for a message-signature bundle. */
    private static JsonNode statementOf(byte[] bundle) {
        try {
            JsonNode env = JSON.readTree(bundle).path("dsseEnvelope");
            if (env.isMissingNode() || !env.has("payload")) {
                return null;
            }
            return JSON.readTree(java.util.Base64.getDecoder().decode(env.get("payload").asText()));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private Signer signer(Authority a) throws VerificationException {
        if (a.key() != null) {
            boolean tlog = a.ctlog() != null;
            if (a.key().kms() != null && !a.key().kms().isEmpty()) {
                throw new VerificationException("KMS keys (" + a.key().kms() + ") are not supported by this gate: it "
                        + "makes no call outside the site's registry; use key.data or key.secretRef");
            }
            List<PublicKey> keys = new ArrayList<>();
            if (a.key().data() != null && !a.key().data().isEmpty()) {
                keys.add(Pem.readPublicKey(a.key().data()));
            } else if (a.key().secretRef() != null) {
                String ns = a.key().secretRef().namespace() == null || a.key().secretRef().namespace().isEmpty()
                        ? env.systemNamespace() : a.key().secretRef().namespace();
                Map<String, byte[]> data = env.secret(ns, a.key().secretRef().name()).orElseThrow(
                        () -> new VerificationException("secret " + ns + "/" + a.key().secretRef().name()
                                + " not found"));
                for (var e : new TreeMap<>(data).entrySet()) {
                    try {
                        keys.add(Pem.readPublicKey(new String(e.getValue(), StandardCharsets.UTF_8)));
                    } catch (IllegalArgumentException ex) {
                        throw new VerificationException("secret " + ns + "/" + a.key().secretRef().name() + " key "
                                + e.getKey() + " is not a PEM public key");
                    }
                }
            }
            if (keys.isEmpty()) {
                throw new VerificationException("there are no public keys for authority " + a.name());
            }
            return new KeySigner(keys, a.key().hashAlgorithm(), tlog);
        }
        TrustedMaterial tm = env.trustRoot(a.keyless().trustRootRef()).orElseThrow(() -> new VerificationException(
                "trustRootRef " + (a.keyless().trustRootRef() == null || a.keyless().trustRootRef().isEmpty()
                        ? "(default)" : a.keyless().trustRootRef()) + " not found"));
        return KeylessSigner.create(a.keyless(), tm, a.keyless().caCert() == null ? null : a.keyless().caCert().data());
    }

    /** The TSA chain of {@code rfc3161timestamp.trustRootRef}, or null when the authority has no TSA. */
    private List<java.security.cert.X509Certificate> tsaChain(Authority a) throws VerificationException {
        if (a.rfc3161timestamp() == null) {
            return null;
        }
        String ref = a.rfc3161timestamp().trustRootRef();
        TrustedMaterial tm = env.trustRoot(ref).orElseThrow(() -> new VerificationException("trustRootRef "
                + (ref == null || ref.isEmpty() ? "(default)" : ref) + " not found"));
        if (tm.tsaCertificates().isEmpty()) {
            throw new VerificationException("trust root " + tm.name() + " has no timestamp authority");
        }
        return tm.tsaCertificates();
    }

    private List<PublicKey> tlogKeys(Authority a) throws VerificationException {
        String ref = null;
        if (a.ctlog() != null) {
            if (a.ctlog().url() != null && !a.ctlog().url().isEmpty()
                    && (a.ctlog().trustRootRef() == null || a.ctlog().trustRootRef().isEmpty())) {
                throw new VerificationException("ctlog.url needs an online Rekor look-up; this gate verifies "
                        + "offline: set ctlog.trustRootRef to a TrustRoot holding the log's key");
            }
            ref = a.ctlog().trustRootRef();
        } else if (a.keyless() != null) {
            ref = a.keyless().trustRootRef();
        } else {
            return List.of();
        }
        String name = ref;
        return env.trustRoot(ref).map(TrustedMaterial::tlogKeys).orElseThrow(() -> new VerificationException(
                "trustRootRef " + (name == null || name.isEmpty() ? "(default)" : name) + " not found"));
    }

    private static CosignArtifacts.Location location(ImageReference ref, Authority a) {
        if (!a.sources().isEmpty()) {
            var s = a.sources().get(0);
            if (s.oci() != null && !s.oci().isEmpty()) {
                ImageReference repo = ImageReference.parse(s.oci());
                return new CosignArtifacts.Location(repo.registry(), repo.repository(), s.tagPrefix());
            }
            return new CosignArtifacts.Location(ref.registry(), ref.repository(), s.tagPrefix());
        }
        return new CosignArtifacts.Location(ref.registry(), ref.repository(), "");
    }

    private RegistryCredentials credentials(Authority a, ResourceContext ctx) throws VerificationException {
        RegistryCredentials creds = ctx.pullCredentials();
        for (var s : a.sources()) {
            for (String name : s.signaturePullSecrets()) {
                String ns = env.systemNamespace();
                Map<String, byte[]> data = env.secret(ns, name).orElseThrow(() -> new VerificationException(
                        "signaturePullSecrets " + ns + "/" + name + " not found"));
                byte[] cfg = data.getOrDefault(".dockerconfigjson", data.get(".dockercfg"));
                if (cfg == null) {
                    throw new VerificationException("signaturePullSecrets " + ns + "/" + name
                            + " has no .dockerconfigjson");
                }
                creds = creds.merge(RegistryCredentials.fromDockerConfig(cfg));
            }
        }
        return creds;
    }

    /** Registry look-ups for one image, shared by all authorities and policies of one decision. */
    private final class Lookups {
        private final ImageReference ref;
        private final Map<String, Cached<Object>> lookups;

        Lookups(ImageReference ref, Map<String, Cached<Object>> lookups) {
            this.ref = ref;
            this.lookups = lookups;
        }

        @SuppressWarnings("unchecked")
        List<SignatureLayer> get(CosignArtifacts.Location at, String kind, RegistryCredentials creds)
                throws VerificationException {
            String key = at + "|" + ref.digest() + "|" + kind + "|" + creds;
            CompletableFuture<Object> f = cached(lookups, key, null, () -> {
                registryLookups.incrementAndGet();
                try {
                    return kind.equals("sig") ? artifacts.signatures(at, ref.digest(), creds)
                            : artifacts.attestations(at, ref.digest(), creds);
                } catch (RegistryException e) {
                    return e;
                }
            });
            Object o = f.join();
            if (o instanceof RegistryException e) {
                lookups.remove(key);
                throw new VerificationException("failed to fetch " + (kind.equals("sig") ? "signatures" : "attestations")
                        + " for " + ref.name() + ": " + e.getMessage(), e);
            }
            return (List<SignatureLayer>) o;
        }

        @SuppressWarnings("unchecked")
        List<byte[]> bundles(CosignArtifacts.Location at, RegistryCredentials creds) throws VerificationException {
            String key = at + "|" + ref.digest() + "|bundle|" + creds;
            CompletableFuture<Object> f = cached(lookups, key, null, () -> {
                registryLookups.incrementAndGet();
                try {
                    return artifacts.bundles(at, ref.digest(), creds);
                } catch (RegistryException e) {
                    return e;
                }
            });
            Object o = f.join();
            if (o instanceof RegistryException e) {
                lookups.remove(key);
                throw new VerificationException("failed to fetch Sigstore bundles for " + ref.name() + ": "
                        + e.getMessage(), e);
            }
            return (List<byte[]>) o;
        }
    }

}
