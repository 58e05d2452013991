package dev.sigstack.tuf;

import dev.sigstack.core.trustroot.TrustMaterial;
import dev.sigstack.core.tuf.ExpiredException;
import dev.sigstack.core.tuf.Metadata;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.TufException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Packages a repository for the cluster: the {@code mirrorFS} tarball and policy-controller
 * {@code TrustRoot} documents ({@code policy.sigstore.dev/v1alpha1}) in the {@code repository}
 * form (root and mirrorFS inline) and the {@code remote} form (an internal HTTP mirror).
 *
 * <p>Field names follow policy-controller's {@code pkg/apis/policy/v1alpha1/trustroot_types.go}:
 * {@code spec.repository.{root, mirrorFS, targets, trustedRootTarget}} and
 * {@code spec.remote.{root, mirror, targets, trustedRootTarget}}; {@code root} and
 * {@code mirrorFS} are base64 ({@code []byte} in Go).
 */
public final class Packager {

  /** policy-controller's default targets folder and trusted-root target name. */
  public static final String TARGETS_FOLDER = "targets";
  private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  /**
   * What {@link #build} produced.
   *
   * @param warnings roles expiring within the warning window
   */
  public record Package(byte[] mirrorFs, byte[] initialRoot, String repositoryYaml, String remoteYaml,
      List<String> warnings) {
    public Package {
      mirrorFs = mirrorFs.clone();
      initialRoot = initialRoot.clone();
      warnings = List.copyOf(warnings);
    }

    @Override
    public byte[] mirrorFs() {
      return mirrorFs.clone();
    }

    @Override
    public byte[] initialRoot() {
      return initialRoot.clone();
    }
  }

  /** Thrown when the repository does not verify (for example, expired metadata). */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Packager() {}

  /**
   * Verifies the repository from {@code N.root.json} ({@code rootVersion}) at {@code now},
   * refusing it if anything fails (expired metadata in particular), and packages it.
   *
   * @param mirror the internal mirror URL for the remote form
   * @param warnBefore warn about metadata expiring sooner than this
   */
  public static Package build(TufRepository repo, String name, long rootVersion, URI mirror, Duration warnBefore,
      Instant now) throws IOException, RefusedException {
    if (!DNS_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("TrustRoot name must be a lower-case DNS name: " + name);
    }
    byte[] root = repo.rootBytes(rootVersion);
    try {
      repo.verify(root, now);
    } catch (ExpiredException e) {
      throw new RefusedException("refusing to package expired metadata: " + e.getMessage()
          + "; run refresh (snapshot/timestamp) or re-sign the role first", e);
    } catch (TufException e) {
      throw new RefusedException("refusing to package a repository that does not verify: " + e.getMessage(), e);
    }
    List<String> warnings = new ArrayList<>(expiryWarnings(repo, warnBefore, now));
    var files = repo.files();
    files.forEach((path, bytes) -> {
      if (bytes.length > MirrorFs.GO_INFLATE_WINDOW) {
        warnings.add("warning: " + path + " is " + bytes.length + " bytes; policy-controller's mirrorFS reader may "
            + "truncate files over " + MirrorFs.GO_INFLATE_WINDOW + " bytes (use the remote form)");
      }
    });
    byte[] tgz = MirrorFs.pack(files, 0);
    return new Package(tgz, root, repositoryYaml(name, root, tgz), remoteYaml(name, root, mirror), warnings);
  }

  /** A warning for each role that expires within {@code warnBefore} of {@code now}. */
  public static List<String> expiryWarnings(TufRepository repo, Duration warnBefore, Instant now) {
    List<String> out = new ArrayList<>();
    for (Metadata m : repo.current().values()) {
      if (m.expires().isBefore(now.plus(warnBefore))) {
        out.add(String.format("warning: %s (%s) expires at %s, within %d day(s)", m.type(), m.file(), m.expires(),
            warnBefore.toDays()));
      }
    }
    return out;
  }

  /** The {@code spec.repository} form. */
  public static String repositoryYaml(String name, byte[] root, byte[] mirrorFs) {
    return header(name)
        + "  repository:\n"
        + "    root: " + b64(root) + "\n"
        + "    mirrorFS: " + b64(mirrorFs) + "\n"
        + "    targets: " + TARGETS_FOLDER + "\n"
        + "    trustedRootTarget: " + TrustMaterial.TRUSTED_ROOT_TARGET + "\n";
  }

  /** The {@code spec.remote} form. */
  public static String remoteYaml(String name, byte[] root, URI mirror) {
    Objects.requireNonNull(mirror, "mirror");
    String m = mirror.toString();
    if (!m.startsWith("http://") && !m.startsWith("https://")) {
      throw new IllegalArgumentException("mirror must be an http(s) URL: " + m);
    }
    return header(name)
        + "  remote:\n"
        + "    mirror: " + m + "\n"
        + "    root: " + b64(root) + "\n"
        + "    targets: " + TARGETS_FOLDER + "\n"
        + "    trustedRootTarget: " + TrustMaterial.TRUSTED_ROOT_TARGET + "\n";
  }

  private static String header(String name) {
    return "apiVersion: policy.sigstore.dev/v1alpha1\n"
        + "kind: TrustRoot\n"
        + "metadata:\n"
        + "  name: " + name + "\n"
        + "spec:\n";
  }

  private static String b64(byte[] b) {
    return new String(Base64.getEncoder().encode(b), StandardCharsets.US_ASCII);
  }
}
