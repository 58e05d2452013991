package dev.sigstack.gate.verify;

import dev.sigstack.gate.policy.ClusterImagePolicy;
import dev.sigstack.gate.policy.ClusterImagePolicy.Attestation;
import dev.sigstack.gate.policy.ClusterImagePolicy.Authority;
import dev.sigstack.gate.policy.ClusterImagePolicy.PolicyBody;
import dev.sigstack.gate.policy.ImageGlob;
import dev.sigstack.gate.policy.PolicyException;
import dev.sigstack.gate.predicate.PredicatePolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated ClusterImagePolicy with its globs and predicate policies compiled once.
 *
 * @param policy the resource
 * @param globs compiled images[].glob
 * @param attestationPolicies compiled attestation policies by "authorityIndex/attestationName"
 * @param specPolicy compiled spec.policy, or null
 */
public record CompiledPolicy(ClusterImagePolicy policy, List<ImageGlob> globs,
        Map<String, PredicatePolicy> attestationPolicies, PredicatePolicy specPolicy) {
    public CompiledPolicy {
        Objects.requireNonNull(policy, "policy");
        globs = List.copyOf(globs);
        attestationPolicies = Map.copyOf(attestationPolicies);
    }

    /** Compiles a validated policy; a predicate policy that does not compile is a {@link PolicyException}. */
    public static CompiledPolicy compile(ClusterImagePolicy cip) {
        List<ImageGlob> globs = cip.spec().images().stream().map(i -> ImageGlob.compile(i.glob())).toList();
        Map<String, PredicatePolicy> atts = new HashMap<>();
        for (int i = 0; i < cip.spec().authorities().size(); i++) {
            Authority a = cip.spec().authorities().get(i);
            for (Attestation att : a.attestations()) {
                if (att.policy() != null) {
                    atts.put(i + "/" + att.name(), predicate(att.policy(), "spec.authorities[" + i
                            + "].attestations." + att.name() + ".policy"));
                }
            }
        }
        PredicatePolicy spec = cip.spec().policy() == null ? null : predicate(cip.spec().policy(), "spec.policy");
        return new CompiledPolicy(cip, globs, atts, spec);
    }

    /**
     * A policy that could not be loaded: it matches every image and refuses it with the reason, so a broken policy
     * fails closed instead of silently admitting what it was meant to check.
     */
    public static CompiledPolicy broken(String name, String reason) {
        ClusterImagePolicy cip = new ClusterImagePolicy(ClusterImagePolicy.GROUP + "/v1beta1", name, "", "", 0,
                new ClusterImagePolicy.Spec(List.of(new ClusterImagePolicy.ImagePattern("**")), List.of(
                        new Authority("authority-0", null, null, new ClusterImagePolicy.StaticRef("fail",
                                "ClusterImagePolicy " + name + " could not be loaded: " + reason), null, null, null,
                                null, null)), null, null, null));
        return new CompiledPolicy(cip, List.of(ImageGlob.compile("**")), Map.of(), null);
    }

    private static PredicatePolicy predicate(PolicyBody body, String where) {
        if (body.data() == null || body.data().isEmpty()) {
            throw new PolicyException(where + ": only inline policies (data) are supported by this gate; "
                    + "configMapRef and remote would need a lookup outside the admission path");
        }
        try {
            return PredicatePolicy.compile(body.type(), body.data());
        } catch (IllegalArgumentException e) {
            throw new PolicyException(where + ": " + e.getMessage(), e);
        }
    }

    /** The policy's name. */
    public String name() {
        return policy.name();
    }

    /** A cache key part that changes with every edit of the resource. */
    public String revision() {
        return policy.name() + "/" + policy.uid() + "/" + policy.resourceVersion() + "/" + policy.generation() + "/"
                + System.identityHashCode(policy);
    }
}
