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
            pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", kp.getPrivate().getEncoded()));
            pem.writeObject(new org.bouncycastle.util.io.pem.PemObject("PUBLIC KEY", kp.getPublic().getEncoded()));
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

    /** Reads a SEC1 key pair, or a PKCS#8 private key followed by its public key. */
    static KeyPair read(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            java.security.PrivateKey priv = null;
            java.security.PublicKey pub = null;
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair kp && kp.getPublicKeyInfo() != null) {
                    return conv.getKeyPair(kp);
                } else if (o instanceof PEMKeyPair kp) {
                    priv = conv.getPrivateKey(kp.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo pki) {
                    priv = conv.getPrivateKey(pki);
                } else if (o instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki) {
                    pub = conv.getPublicKey(spki);
                }
            }
            if (priv == null || pub == null || !priv.getAlgorithm().equals("EC") && !priv.getAlgorithm().equals("ECDSA")) {
                throw new IOException("the key file must hold an EC private key and its public key");
            }
            return new KeyPair(pub, priv);
        }
    }
}
