package dev.sigstack.ca.issuance;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.NoSuchAlgorithmException;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

import dev.sigstack.core.ecdsa.Ecdsa;

/**
 * A one-use {@link ContentSigner} over an in-memory ECDSA key ({@link Ecdsa.Signer}): the same algorithm
 * identifier and signature encoding as {@code JcaContentSignerBuilder} gives, at a fraction of the JDK
 * provider's CPU.
 */
final class EcdsaContentSigner implements ContentSigner {
    private final Ecdsa.Signer signer;
    private final String algorithm;
    private final AlgorithmIdentifier algorithmId;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

    EcdsaContentSigner(Ecdsa.Signer signer, String algorithm, AlgorithmIdentifier algorithmId) {
        this.signer = signer;
        this.algorithm = algorithm;
        this.algorithmId = algorithmId;
    }

    static AlgorithmIdentifier algorithmId(String algorithm) {
        return new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithmId;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public byte[] getSignature() {
        try {
            return signer.sign(algorithm, out.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the CA key cannot sign with " + algorithm, e);
        }
    }
}
