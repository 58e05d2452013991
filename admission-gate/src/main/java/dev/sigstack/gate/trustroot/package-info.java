/**
 * policy-controller's {@code TrustRoot} resource ({@code policy.sigstore.dev/v1alpha1}): {@code sigstoreKeys}
 * (base64 PEM material), {@code repository} (a TUF root and a serialized mirrorFS, read entirely from the resource)
 * and {@code remote} (the site's own TUF mirror), all turned into {@link dev.sigstack.gate.verify.TrustedMaterial}.
 * TUF checks are {@code dev.sigstack.core.tuf.TufClient}'s (TUF specification 1.0, client workflow §5). There is no
 * public-good default.
 */
package dev.sigstack.gate.trustroot;
