package dev.sigstack.ca.issuance;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The issuing key and its chain (issuing certificate first, root last). The key may live in a PEM file or in a
 * PKCS#11 token; {@code provider} is then the token's JCA provider.
 *
 * @param key      the issuing private key (never printed)
 * @param provider the JCA provider that holds the key, or null for the default providers
 * @param chain    issuing certificate first, root last
 */
public record CaSigner(PrivateKey key, Provider provider, List<X509Certificate> chain) {

    public CaSigner {
        Objects.requireNonNull(key, "key");
        if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("a CA needs its certificate chain");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate issuingCertificate() {
        return chain.getFirst();
    }

    /** The signature algorithm Fulcio uses for the issuing key: SHA-384 for P-384, SHA-512 for P-521, else SHA-256. */
    public String signatureAlgorithm() {
        PublicKey pub = issuingCertificate().getPublicKey();
        if (pub instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if (pub instanceof RSAPublicKey) {
            return "SHA256withRSA";
        }
        return "Ed25519";
    }

    public ContentSigner contentSigner() {
        try {
            JcaContentSignerBuilder b = new JcaContentSignerBuilder(signatureAlgorithm());
            if (provider != null) {
                b.setProvider(provider);
            }
            return b.build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("the CA key cannot sign: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CaSigner[" + issuingCertificate().getSubjectX500Principal() + "]";
    }
}
