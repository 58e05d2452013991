package dev.sigstack.core.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reading and writing PEM. Readers throw {@link IllegalArgumentException} with a message that says what the text
 * holds instead (callers add the file name).
 */
public final class Pem {
    private static final org.bouncycastle.jce.provider.BouncyCastleProvider BC =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private Pem() {
    }

    /** One PEM block: the label's BEGIN line, base64 in lines of 64 characters, the END line. */
    public static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A certificate as a {@code CERTIFICATE} block. */
    public static String certificate(X509Certificate c) {
        try {
            return encode("CERTIFICATE", c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    /** Certificates as concatenated {@code CERTIFICATE} blocks, in order. */
    public static String certificates(List<X509Certificate> chain) {
        StringBuilder s = new StringBuilder();
        chain.forEach(c -> s.append(certificate(c)));
        return s.toString();
    }

    /** Every {@code CERTIFICATE} block of the text, in order (blocks of other types are skipped). */
    public static List<X509Certificate> readCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
                if ("CERTIFICATE".equals(o.getType())) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(o.getContent())));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
        }
        return out;
    }

    /** A {@code PUBLIC KEY} block, or the key of the first certificate in the text. */
    public static PublicKey readPublicKey(String pem) {
        Object o = first(pem);
        try {
            if (o instanceof SubjectPublicKeyInfo spki) {
                return new JcaPEMKeyConverter().getPublicKey(spki);
            }
            if (o instanceof X509CertificateHolder h) {
                return new JcaPEMKeyConverter().getPublicKey(h.getSubjectPublicKeyInfo());
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a usable public key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a PEM public key or certificate");
    }

    /** Whether the text's first block is an {@code ENCRYPTED PRIVATE KEY}. */
    public static boolean isEncrypted(String pem) {
        return first(pem) instanceof PKCS8EncryptedPrivateKeyInfo;
    }

    /**
     * A private key with its public key, from PKCS#8 ({@code PRIVATE KEY}), encrypted PKCS#8 (with
     * {@code passphrase}) or SEC1 ({@code EC PRIVATE KEY}, with or without its optional public key). The public key
     * is derived when the file does not carry it (EC on any named curve, Ed25519, RSA).
     */
    public static KeyPair readKeyPair(String pem, char[] passphrase) {
        Object o = first(pem);
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try {
            if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                if (passphrase == null) {
                    throw new IllegalArgumentException("encrypted key and no passphrase was given");
                }
                try {
                    o = enc.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC)
                            .build(passphrase));
                } catch (OperatorCreationException | PKCSException e) {
                    throw new IllegalArgumentException("cannot decrypt the key (wrong passphrase?)", e);
                }
            }
            if (o instanceof PEMKeyPair pair) {
                if (pair.getPublicKeyInfo() != null) {
                    return conv.getKeyPair(pair);
                }
                o = pair.getPrivateKeyInfo(); // SEC1 without the optional public key
            }
            if (o instanceof PrivateKeyInfo info) {
                PrivateKey priv = conv.getPrivateKey(info);
                return new KeyPair(conv.getPublicKey(publicOf(info)), priv);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a usable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("not a private key PEM (PKCS#8, encrypted PKCS#8 or SEC1)");
    }

    /**
     * An EC key pair as SEC1 {@code EC PRIVATE KEY} with the curve and the public key in it (what openssl writes; the
     * JDK's own encoding of the private key alone carries neither).
     */
    public static String ecPrivateKey(KeyPair kp) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
        X962Parameters params = X962Parameters.getInstance(spki.getAlgorithm().getParameters());
        ECPrivateKey priv = (ECPrivateKey) kp.getPrivate();
        BigInteger d = priv.getS();
        try {
            return encode("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(
                    priv.getParams().getOrder().bitLength(), d, spki.getPublicKeyData(), params).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an EC private key", e);
        }
    }

    private static Object first(String pem) {
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
        }
        if (o == null) {
            throw new IllegalArgumentException("no PEM object");
        }
        return o;
    }

    private static SubjectPublicKeyInfo publicOf(PrivateKeyInfo info) throws IOException {
        AsymmetricKeyParameter k = PrivateKeyFactory.createKey(info);
        if (k instanceof ECPrivateKeyParameters ec) {
            var q = ec.getParameters().getG().multiply(ec.getD()).normalize();
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new ECPublicKeyParameters(q,
                    ec.getParameters()));
        }
        if (k instanceof Ed25519PrivateKeyParameters ed) {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(ed.generatePublicKey());
        }
        if (k instanceof RSAPrivateCrtKeyParameters rsa) {
            return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(new RSAKeyParameters(false,
                    rsa.getModulus(), rsa.getPublicExponent()));
        }
        throw new IllegalArgumentException("only EC, Ed25519 and RSA keys are supported");
    }
}
