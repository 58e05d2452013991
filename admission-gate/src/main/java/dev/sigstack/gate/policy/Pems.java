package dev.sigstack.gate.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** PEM public keys and certificates, as cosign's {@code cryptoutils} reads them. */
public final class Pems {
    private Pems() {
    }

    /** The first public key in the PEM text (a PUBLIC KEY block, or a certificate's key). */
    public static PublicKey publicKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            if (o instanceof SubjectPublicKeyInfo spki) {
                return new JcaPEMKeyConverter().getPublicKey(spki);
            }
            if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
                return new JcaPEMKeyConverter().getPublicKey(holder.getSubjectPublicKeyInfo());
            }
            throw new IllegalArgumentException("PEM data holds no public key");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PEM public key: " + e.getMessage(), e);
        }
    }

    /** True when the text is a PEM public key or certificate. */
    public static boolean isPublicKeyOrCertificate(String pem) {
        try {
            return publicKey(pem) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Every CERTIFICATE block in the text, in order. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            PemObject o;
            while ((o = reader.readPemObject()) != null) {
                if ("CERTIFICATE".equals(o.getType())) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(o.getContent())));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
        }
        return out;
    }
}
