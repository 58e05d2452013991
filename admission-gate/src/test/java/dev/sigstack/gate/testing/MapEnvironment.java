package dev.sigstack.gate.testing;

import dev.sigstack.gate.verify.Environment;
import dev.sigstack.gate.verify.TrustedMaterial;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** TrustRoots and Secrets held in maps (what the informers hold in the webhook). */
public final class MapEnvironment implements Environment {
    public final Map<String, TrustedMaterial> trustRoots = new ConcurrentHashMap<>();
    public final Map<String, Map<String, byte[]>> secrets = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private volatile String defaultTrustRoot = "";

    /** Adds or replaces a TrustRoot. */
    public MapEnvironment trustRoot(TrustedMaterial tm, boolean isDefault) {
        trustRoots.put(tm.name(), tm);
        if (isDefault) {
            defaultTrustRoot = tm.name();
        }
        version.incrementAndGet();
        return this;
    }

    /** Adds or replaces a Secret in the system namespace. */
    public MapEnvironment secret(String name, Map<String, byte[]> data) {
        secrets.put(systemNamespace() + "/" + name, data);
        version.incrementAndGet();
        return this;
    }

    @Override
    public Optional<TrustedMaterial> trustRoot(String name) {
        return Optional.ofNullable(trustRoots.get(name == null || name.isEmpty() ? defaultTrustRoot : name));
    }

    @Override
    public Optional<Map<String, byte[]>> secret(String namespace, String name) {
        return Optional.ofNullable(secrets.get(namespace + "/" + name));
    }

    @Override
    public String systemNamespace() {
        return "cosign-system";
    }

    @Override
    public String version() {
        return Long.toString(version.get());
    }
}
