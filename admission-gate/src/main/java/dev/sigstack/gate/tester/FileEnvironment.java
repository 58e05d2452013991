package dev.sigstack.gate.tester;

import dev.sigstack.gate.verify.Environment;
import dev.sigstack.gate.verify.TrustedMaterial;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** TrustRoots and Secrets given on the command line. The first TrustRoot is the default. */
final class FileEnvironment implements Environment {
    private final Map<String, TrustedMaterial> roots = new LinkedHashMap<>();
    private final Map<String, Map<String, byte[]>> secrets;
    private final String namespace;

    FileEnvironment(List<TrustedMaterial> roots, Map<String, Map<String, byte[]>> secrets, String namespace) {
        roots.forEach(r -> this.roots.put(r.name(), r));
        this.secrets = Map.copyOf(secrets);
        this.namespace = namespace;
    }

    @Override
    public Optional<TrustedMaterial> trustRoot(String name) {
        if (name == null || name.isEmpty()) {
            return roots.values().stream().findFirst();
        }
        return Optional.ofNullable(roots.get(name));
    }

    @Override
    public Optional<Map<String, byte[]>> secret(String ns, String name) {
        return namespace.equals(ns) ? Optional.ofNullable(secrets.get(name)) : Optional.empty();
    }

    @Override
    public String systemNamespace() {
        return namespace;
    }

    @Override
    public String version() {
        return "files";
    }
}
