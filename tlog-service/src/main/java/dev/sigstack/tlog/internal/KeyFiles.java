package dev.sigstack.tlog.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

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
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(kp.getPrivate());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, w.toString());
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return kp;
    }

    static KeyPair read(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getKeyPair(kp);
            }
            if (o instanceof PrivateKeyInfo pki) {
                java.security.PrivateKey priv = conv.getPrivateKey(pki);
                if (priv instanceof org.bouncycastle.jce.interfaces.ECPrivateKey
                        || priv instanceof java.security.interfaces.ECPrivateKey) {
                    throw new IOException("PKCS#8 EC keys without a public key are not supported; use SEC1 PEM");
                }
            }
            throw new IOException("the key file holds no EC key pair");
        }
    }
}
