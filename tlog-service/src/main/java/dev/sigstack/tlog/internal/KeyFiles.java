package dev.sigstack.tlog.internal;

import dev.sigstack.core.pem.Pem;
import dev.sigstack.core.secrets.SecretFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** The log's signing key: an ECDSA P-256 key in a PEM file, created on first start. */
public final class KeyFiles {
    private KeyFiles() {
    }

    /** Reads the key pair at {@code file}, or creates a new P-256 key there (mode 0600) when it is absent. */
    public static KeyPair loadOrCreateEcdsa(Path file) throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            return read(Files.readString(file));
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        // created owner-only at creation and atomically; a concurrent first start keeps the key that won
        if (!SecretFiles.createIfAbsent(file, Pem.ecPrivateKey(kp).getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return read(Files.readString(file));
        }
        return kp;
    }

    static KeyPair read(String pem) throws IOException {
        try {
            return Pem.readKeyPair(pem, null);
        } catch (IllegalArgumentException e) {
            throw new IOException("the key file: " + e.getMessage(), e);
        }
    }
}
