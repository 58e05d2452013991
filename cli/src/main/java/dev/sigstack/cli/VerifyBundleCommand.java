package dev.sigstack.cli;

import dev.sigstack.core.rekor.ProposedEntryException;
import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.core.verify.Artifact;
import dev.sigstack.core.verify.BundleVerificationException;
import dev.sigstack.core.verify.BundleVerifier;
import dev.sigstack.core.verify.SigningTime;
import dev.sigstack.core.verify.VerificationPolicy;
import dev.sigstack.core.verify.VerificationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify-bundle [--staging] --bundle F (--certificate-identity I --certificate-oidc-issuer U | --key K)
 * [--trusted-root R] FILE_OR_DIGEST}.
 */
@Command(name = "verify-bundle", mixinStandardHelpOptions = true,
        description = "Verify a Sigstore bundle for a file or a sha256:<hex> digest.")
final class VerifyBundleCommand implements Callable<Integer> {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-fA-F]{64}");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrustOptions trust;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "the bundle to verify")
    Path bundle;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Signer signer;

    static final class Signer {
        @ArgGroup(exclusive = false)
        Identity identity;

        @Option(names = "--key", paramLabel = "FILE", description = "PEM public key of a managed-key signer")
        Path key;
    }

    static final class Identity {
        @ArgGroup(exclusive = true, multiplicity = "1")
        San san;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Issuer issuer;
    }

    static final class San {
        @Option(names = "--certificate-identity", required = true, paramLabel = "SAN",
                description = "expected SAN of the signing certificate (exact)")
        String exact;

        @Option(names = "--certificate-identity-regexp", required = true, paramLabel = "REGEXP",
                description = "expected SAN as a regular expression (Go RE2 syntax) matching anywhere in the SAN, as cosign; anchor with ^...$")
        String regexp;
    }

    static final class Issuer {
        @Option(names = "--certificate-oidc-issuer", required = true, paramLabel = "URL",
                description = "expected OIDC issuer of the signing certificate (exact)")
        String exact;

        @Option(names = "--certificate-oidc-issuer-regexp", required = true, paramLabel = "REGEXP",
                description = "expected OIDC issuer as a regular expression (Go RE2 syntax) matching anywhere in the issuer, as cosign; anchor with ^...$")
        String regexp;
    }

    @Option(names = "--ctlog-threshold", defaultValue = "1", paramLabel = "N",
            description = "embedded SCTs required from trusted CT logs (default ${DEFAULT-VALUE})")
    int ctlogThreshold;

    @Parameters(index = "0", paramLabel = "FILE_OR_DIGEST",
            description = "the artifact, or sha256:<64 hex> when no such file exists")
    String input;

    @Override
    public Integer call() {
        try {
            VerificationResult r = verify();
            var out = spec.commandLine().getOut();
            out.println("OK: " + (r.identity() == null ? "signed by the given key"
                    : "signed by " + r.identity().san().value() + " (issuer " + r.identity().issuer() + ")"));
            for (SigningTime t : r.signingTimes()) {
                out.println("  signing time " + t.time() + " from " + t.source() + " " + t.by());
            }
            return 0;
        } catch (CliFailure e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return Main.FAILED;
        } catch (BundleVerificationException e) {
            spec.commandLine().getErr().println("verification failed (" + e.getClass().getSimpleName() + "): " + e.getMessage());
            return Main.FAILED;
        }
    }

    private VerificationResult verify() throws CliFailure, BundleVerificationException {
        if (ctlogThreshold < 0) {
            throw new CliFailure("--ctlog-threshold must not be negative");
        }
        Artifact artifact = artifact(input);
        VerificationPolicy policy;
        if (signer.key != null) {
            try {
                policy = VerificationPolicy.key(PublicKeyMaterial.parsePem(TrustOptions.read(signer.key, "key")).publicKey());
            } catch (ProposedEntryException.Malformed e) {
                throw new CliFailure("--key " + signer.key + " is not a PEM public key: " + e.getMessage(), e);
            }
        } else {
            try {
                San san = signer.identity.san;
                Issuer issuer = signer.identity.issuer;
                policy = new VerificationPolicy.Identity(
                        san.exact != null ? VerificationPolicy.Matcher.exact(san.exact) : VerificationPolicy.Matcher.regexp(san.regexp),
                        issuer.exact != null ? VerificationPolicy.Matcher.exact(issuer.exact)
                                : VerificationPolicy.Matcher.regexp(issuer.regexp));
            } catch (IllegalArgumentException e) {
                throw new CliFailure(e.getMessage(), e);
            }
        }
        byte[] root = trust.trustedRootJson();
        BundleVerifier verifier = BundleVerifier.withCtlogThreshold(BundleVerifier.parseTrustedRoot(root), ctlogThreshold);
        return verifier.verify(TrustOptions.read(bundle, "bundle"), artifact, policy);
    }

    /** The protocol's rule: a digest when it looks like one and is not a path on disk, else a file. */
    static Artifact artifact(String input) throws CliFailure {
        Path p = Path.of(input);
        if (DIGEST.matcher(input).matches() && !Files.exists(p)) {
            return Artifact.parseDigest(input);
        }
        try {
            return Artifact.read(p);
        } catch (IOException e) {
            throw new CliFailure("cannot read artifact " + input + ": " + e.getMessage(), e);
        }
    }
}
