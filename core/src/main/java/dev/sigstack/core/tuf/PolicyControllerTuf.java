package dev.sigstack.core.tuf;

import dev.sigstack.core.archive.HostileArchiveException;
import dev.sigstack.core.archive.TarGz;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;

/**
 * Reads the trusted-root target the way policy-controller's TrustRoot reconciler does
 * ({@code pkg/reconciler/trustroot}: {@code getSigstoreKeysFromMirrorFS} and
 * {@code getSigstoreKeysFromRemote}): {@code spec.repository} (a base64 mirrorFS, entries under
 * {@code repository/}) or {@code spec.remote} (an HTTP mirror), the targets folder defaulting to
 * {@code targets} and the target to {@code trusted_root.json}. For the admission gate.
 */
public final class PolicyControllerTuf {

  public static final String DEFAULT_TARGETS = "targets";
  public static final String DEFAULT_TRUSTED_ROOT_TARGET = "trusted_root.json";

  private PolicyControllerTuf() {}

  /**
   * {@code spec.repository}: verifies the mirrorFS from {@code root} and returns the trusted-root
   * target's bytes.
   *
   * @param targets {@code spec.repository.targets}, null or empty for the default
   * @param trustedRootTarget {@code spec.repository.trustedRootTarget}, null or empty for the default
   */
  public static byte[] fromMirrorFs(byte[] root, byte[] mirrorFs, String targets, String trustedRootTarget,
      TarGz.Limits limits, Instant now) throws TufException, IOException, HostileArchiveException {
    RepositorySource source = MirrorFs.source(new ByteArrayInputStream(mirrorFs), limits);
    return fetch(root, source, targets, trustedRootTarget, now);
  }

  /** {@code spec.remote}: the same over an HTTP mirror. */
  public static byte[] fromRemote(byte[] root, URI mirror, String targets, String trustedRootTarget, Instant now)
      throws TufException, IOException {
    return fetch(root, RepositorySource.http(mirror), targets, trustedRootTarget, now);
  }

  private static byte[] fetch(byte[] root, RepositorySource source, String targets, String trustedRootTarget,
      Instant now) throws TufException, IOException {
    TufClient client = TufClient.builder(root, source).time(now)
        .targetsPath(targets == null || targets.isEmpty() ? DEFAULT_TARGETS : targets)
        .build();
    client.refresh();
    return client.target(trustedRootTarget == null || trustedRootTarget.isEmpty()
        ? DEFAULT_TRUSTED_ROOT_TARGET : trustedRootTarget);
  }
}
