package dev.sigstack.gate.verify;

import java.util.Map;
import java.util.Optional;

/** What the engine reads from the cluster: TrustRoots and Secrets (informers in the webhook, files in the tester). */
public interface Environment {
    /** A TrustRoot by name, or the configured default when {@code name} is null or empty. */
    Optional<TrustedMaterial> trustRoot(String name);

    /** A Secret's data (decoded) by namespace and name. */
    Optional<Map<String, byte[]>> secret(String namespace, String name);

    /** The namespace the gate runs in (where key Secrets and pull secrets of authorities live). */
    String systemNamespace();

    /** A version string that changes whenever TrustRoots or Secrets change (part of the cache key). */
    String version();
}
