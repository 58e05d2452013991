package dev.sigstack.tlog.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
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
            pem.writeObject(sec1(kp));
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

    /**
     * The key pair as SEC1 "EC PRIVATE KEY" with the curve and the public key in it (what openssl writes).
     * Writing the JDK private key alone produced SEC1 without either, which could not be read back.
     */
    private static PemObject sec1(KeyPair kp) throws IOException {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
        X962Parameters params = X962Parameters.getInstance(spki.getAlgorithm().getParameters());
        BigInteger d = ((ECPrivateKey) kp.getPrivate()).getS();
        return new PemObject("EC PRIVATE KEY",
                new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, spki.getPublicKeyData(), params).getEncoded());
    }

    static KeyPair read(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            PrivateKeyInfo info;
            if (o instanceof PEMKeyPair kp) {
                if (kp.getPublicKeyInfo() != null) {
                    return conv.getKeyPair(kp);
                }
                info = kp.getPrivateKeyInfo(); // SEC1 without the optional public key: what the JDK key encodes to
            } else if (o instanceof PrivateKeyInfo pki) {
                info = pki;
            } else {
                throw new IOException("the key file holds no EC key pair");
            }
            if (!(conv.getPrivateKey(info) instanceof ECPrivateKey priv)) {
                throw new IOException("the key file holds no EC private key");
            }
            return new KeyPair(publicKeyOf(priv), priv);
        }
    }

    /** Q = d·G on the key's curve, with Bouncy Castle's curve arithmetic. */
    private static PublicKey publicKeyOf(ECPrivateKey priv) throws IOException {
        try {
            org.bouncycastle.jce.spec.ECParameterSpec bc = EC5Util.convertSpec(priv.getParams());
            org.bouncycastle.math.ec.ECPoint q = bc.getG().multiply(priv.getS()).normalize();
            ECPoint point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, priv.getParams()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot derive the public key of the EC key in the key file", e);
        }
    }
}
