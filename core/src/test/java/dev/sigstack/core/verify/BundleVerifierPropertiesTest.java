package dev.sigstack.core.verify;

import dev.sigstack.core.bundle.SigstoreBundle;
import dev.sigstack.core.bundle.TlogVerificationException;
import dev.sigstack.core.bundle.TlogVerifier;
import dev.sigstack.core.testing.Hostile;
import dev.sigstack.core.testing.NeedsVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Generated hostile Sigstore bundles from real upstream bundles that verify (sigstore-conformance happy paths, Rekor
 * v1 and v2): {@link SigstoreBundle#parse} throws MalformedBundle, {@link TlogVerifier#verify} a
 * TlogVerificationException and {@link BundleVerifier#verify} a BundleVerificationException, never anything else.
 */
@AddLifecycleHook(NeedsVectors.class)
class BundleVerifierPropertiesTest {
    private static final String[] CASES = {"happy-path-v0.3", "rekor2-happy-path", "happy-path-intoto-in-dsse-v3"};

    private static Path dir(String name) {
        String configured = System.getProperty("sigstack.vectors");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "vectors");
        return dir.resolve("sigstore-conformance/bundle-verify").resolve(name);
    }

    /** One case: its bundle bytes, verifier and policy. */
    record Case(byte[] bundle, BundleVerifier verifier, VerificationPolicy policy, TlogVerifier tlog) {
    }

    private static final List<Case> LOADED = new ArrayList<>();

    private static synchronized List<Case> cases() throws Exception {
        if (LOADED.isEmpty()) {
            for (String c : CASES) {
                Path d = dir(c);
                Path trusted = Files.exists(d.resolve("trusted_root.json")) ? d.resolve("trusted_root.json")
                        : d.getParent().getParent().resolve("production-trusted_root.json");
                byte[] root = Files.readAllBytes(trusted);
                LOADED.add(new Case(Files.readAllBytes(d.resolve("bundle.sigstore.json")),
                        BundleVerifierConformanceTest.verifier(d), BundleVerifierConformanceTest.policy(d),
                        new TlogVerifier(TlogVerifier.parseTrustedRoot(root))));
            }
        }
        return LOADED;
    }

    @Provide
    Arbitrary<byte[]> hostileBundles() throws Exception {
        List<byte[]> samples = cases().stream().map(Case::bundle).toList();
        return Arbitraries.oneOf(Hostile.jsonMutations(samples), Hostile.jsonMutations(samples),
                Hostile.jsonMutations(samples), Hostile.mutations(samples));
    }

    @Property(tries = 500)
    void verify_mutatedBundle_documentedExceptions(@ForAll("hostileBundles") byte[] json) throws Exception {
        Artifact artifact = Artifact.read(dir("a.txt").getParent().resolve("a.txt"));
        Object parsed = Hostile.refusesCleanly("parse", () -> SigstoreBundle.parse(json),
                TlogVerificationException.MalformedBundle.class);
        for (Case c : cases()) {
            if (parsed instanceof SigstoreBundle b) {
                Hostile.refusesCleanly("tlog", () -> c.tlog().verify(b), TlogVerificationException.class);
            }
            Hostile.refusesCleanly("verify", () -> c.verifier().verify(json, artifact, c.policy()),
                    BundleVerificationException.class);
        }
    }
}
