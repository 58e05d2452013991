package dev.sigstack.cli;

import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import dev.sigstack.core.tuf.TufException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where trust material comes from: {@code --trusted-root} / {@code --signing-config} files, or a TUF repository
 * ({@code --tuf-url} with its initial {@code --tuf-root}, or the environment variables {@code SIGSTACK_TUF_URL}
 * and {@code SIGSTACK_TUF_ROOT}) whose targets {@code trusted_root.json} and {@code signing_config.v0.2.json}
 * are used. There is no built-in default, public-good or otherwise.
 */
final class TrustOptions {
    static final String ENV_TUF_URL = "SIGSTACK_TUF_URL";
    static final String ENV_TUF_ROOT = "SIGSTACK_TUF_ROOT";

    @Option(names = "--staging", description = "Accepted for the conformance protocol; sigstack has no built-in "
            + "staging (or production) instance, so trust material must still be given.")
    boolean staging;

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "trusted_root.json (protobuf-specs TrustedRoot JSON)")
    Path trustedRoot;

    @Option(names = "--tuf-url", paramLabel = "URL", description = "TUF repository serving trusted_root.json "
            + "(default: $" + ENV_TUF_URL + ")")
    URI tufUrl;

    @Option(names = "--tuf-root", paramLabel = "FILE", description = "initial TUF root.json for --tuf-url "
            + "(default: $" + ENV_TUF_ROOT + ")")
    Path tufRoot;

    /** Environment lookup, replaceable by tests. */
    Map<String, String> env = System.getenv();

    /** Whether any source of trust material is named (a file, or a TUF URL or root by option or environment). */
    boolean configured() {
        return trustedRoot != null || tufUrl != null || tufRoot != null
                || (env.get(ENV_TUF_URL) != null && !env.get(ENV_TUF_URL).isBlank())
                || (env.get(ENV_TUF_ROOT) != null && !env.get(ENV_TUF_ROOT).isBlank());
    }

    byte[] trustedRootJson() throws CliFailure {
        if (trustedRoot != null) {
            return read(trustedRoot, "trusted root");
        }
        Optional<TufClient> tuf = tuf();
        if (tuf.isEmpty()) {
            throw new CliFailure("no trusted root: pass --trusted-root FILE, or --tuf-url URL with --tuf-root FILE "
                    + "(or set " + ENV_TUF_URL + " and " + ENV_TUF_ROOT + "); sigstack has no built-in public-good "
                    + "or staging trust root" + (staging ? " (--staging does not select one)" : ""));
        }
        return target(tuf.get(), TrustMaterial.TRUSTED_ROOT_TARGET);
    }

    /** The signing config from TUF, when a TUF repository is configured. */
    Optional<byte[]> signingConfigFromTuf() throws CliFailure {
        Optional<TufClient> tuf = tuf();
        return tuf.isEmpty() ? Optional.empty() : Optional.of(target(tuf.get(), TrustMaterial.SIGNING_CONFIG_TARGET));
    }

    private Optional<TufClient> tuf() throws CliFailure {
        URI url = tufUrl;
        Path root = tufRoot;
        if (url == null && env.get(ENV_TUF_URL) != null && !env.get(ENV_TUF_URL).isBlank()) {
            url = URI.create(env.get(ENV_TUF_URL));
        }
        if (root == null && env.get(ENV_TUF_ROOT) != null && !env.get(ENV_TUF_ROOT).isBlank()) {
            root = Path.of(env.get(ENV_TUF_ROOT));
        }
        if (url == null && root == null) {
            return Optional.empty();
        }
        if (url == null || root == null) {
            throw new CliFailure("a TUF repository needs both a URL (--tuf-url or " + ENV_TUF_URL
                    + ") and an initial root.json (--tuf-root or " + ENV_TUF_ROOT + ")");
        }
        try {
            TufClient client = TufClient.builder(read(root, "TUF root"), RepositorySource.http(url)).build();
            client.refresh();
            return Optional.of(client);
        } catch (TufException | IOException e) {
            throw new CliFailure("TUF update from " + url + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] target(TufClient client, String name) throws CliFailure {
        try {
            return client.target(name);
        } catch (TufException | IOException e) {
            throw new CliFailure("TUF target " + name + " cannot be fetched: " + e.getMessage(), e);
        }
    }

    /** Trust material, bundles and keys are small; a larger file is refused rather than read. */
    static final long MAX_FILE = 64L * 1024 * 1024;

    static byte[] read(Path file, String what) throws CliFailure {
        try {
            if (Files.size(file) > MAX_FILE) {
                throw new CliFailure(what + " " + file + " is larger than " + MAX_FILE + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliFailure("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
