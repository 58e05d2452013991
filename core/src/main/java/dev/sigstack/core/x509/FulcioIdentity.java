package dev.sigstack.core.x509;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;

import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The identity a Fulcio certificate attests: its SAN and its Fulcio extensions.
 *
 * @param san        the single subject alternative name
 * @param extensions the {@code 1.3.6.1.4.1.57264.1.*} values
 */
public record FulcioIdentity(SubjectAltName san, FulcioExtensions extensions) {

    public FulcioIdentity {
        Objects.requireNonNull(san, "san");
        Objects.requireNonNull(extensions, "extensions");
    }

    public String issuer() {
        return extensions.issuer();
    }

    /** Decodes the identity of a certificate; throws if it is not a Fulcio-profile certificate. */
    public static FulcioIdentity of(X509CertificateHolder cert) throws InvalidFulcioExtensionException {
        return new FulcioIdentity(SubjectAltName.parse(cert.getExtensions()), FulcioExtensions.parse(cert.getExtensions()));
    }

    /** Decodes the identity of a certificate; throws if it is not a Fulcio-profile certificate. */
    public static FulcioIdentity of(X509Certificate cert) throws InvalidFulcioExtensionException {
        try {
            return of(new X509CertificateHolder(cert.getEncoded()));
        } catch (CertificateEncodingException | java.io.IOException e) {
            throw new InvalidFulcioExtensionException("certificate cannot be decoded: " + e.getMessage());
        }
    }
}
