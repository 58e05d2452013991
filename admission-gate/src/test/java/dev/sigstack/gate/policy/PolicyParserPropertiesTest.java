package dev.sigstack.gate.policy;

import dev.sigstack.core.testing.Hostile;
import dev.sigstack.core.testing.Vectors;
import dev.sigstack.gate.verify.CompiledPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated hostile ClusterImagePolicies: YAML text mutations (including anchors and aliases) and structural JSON
 * mutations of valid policies (upstream's examples and valid test data when the vectors are present, and our own).
 * {@link Policies#loadAll} and {@link CompiledPolicy#compile} accept or throw {@link PolicyException} with a message,
 * never another exception.
 */
class PolicyParserPropertiesTest {
    static final String OURS = """
            apiVersion: policy.sigstore.dev/v1beta1
            kind: ClusterImagePolicy
            metadata: {name: ours}
            spec:
              mode: enforce
              images: [{glob: "registry.example/app/**"}, {glob: "**"}]
              match: [{group: apps, version: v1, resource: deployments, selector: {matchLabels: {a: b}}}]
              authorities:
              - name: keyless
                keyless:
                  url: https://fulcio.example
                  identities: [{issuer: "https://issuer.example", subjectRegExp: "^.*@example\\\\.com$"}]
                ctlog: {url: "https://rekor.example", trustRootRef: site}
                attestations:
                - name: prov
                  predicateType: https://slsa.dev/provenance/v1
                  policy: {type: cue, data: "predicateType: \\"https://slsa.dev/provenance/v1\\""}
              - name: static
                static: {action: pass}
              policy:
                type: cip
                data: "x: 1"
            """;
    static final String ANCHORS = """
            apiVersion: policy.sigstore.dev/v1alpha1
            kind: ClusterImagePolicy
            metadata: {name: anchors}
            spec:
              images: &imgs [{glob: "a/**"}, {glob: "b/**"}]
              authorities:
              - static: &s {action: fail}
              - static: *s
            """;

    private static List<String> samples() {
        List<String> out = new ArrayList<>(List.of(OURS, ANCHORS));
        for (String folder : List.of("policy-controller/examples/policies",
                "policy-controller/test/testdata/policy-controller/valid")) {
            Path dir = Vectors.dirOrNull(folder);
            if (dir == null) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.sorted().limit(12).forEach(p -> {
                    try {
                        out.add(Files.readString(p));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Provide
    Arbitrary<String> hostilePolicies() {
        List<String> yaml = samples();
        List<byte[]> json = new ArrayList<>();
        for (String y : yaml) {
            try {
                PolicyParser.documents(y).forEach(d -> json.add(d.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (PolicyException e) {
                // a sample our parser refuses is still a fine start for text mutations
            }
        }
        return Arbitraries.oneOf(Hostile.textMutations(yaml),
                Hostile.jsonMutations(json).map(b -> new String(b, StandardCharsets.UTF_8)),
                Hostile.jsonMutations(json).map(b -> new String(b, StandardCharsets.UTF_8)));
    }

    @Property(tries = 500)
    void loadAll_mutatedPolicy_policyException(@ForAll("hostilePolicies") String text) {
        Object loaded = Hostile.refusesCleanly("load",
                () -> Policies.loadAll(text, GateConfig.defaults(), "cosign-system"), PolicyException.class);
        if (loaded instanceof List<?> list) {
            for (Object l : list) {
                Hostile.refusesCleanly("compile", () -> CompiledPolicy.compile(((Policies.Loaded) l).policy()),
                        PolicyException.class);
            }
        }
        Hostile.refusesCleanly(() -> PolicyParser.parse(text), PolicyException.class);
    }

    @Property(tries = 200)
    void parse_arbitraryText_policyException(@ForAll String text) {
        Hostile.refusesCleanly(() -> PolicyParser.parse(text), PolicyException.class);
    }
}
