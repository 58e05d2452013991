package dev.sigstack.ca;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

import dev.sigstack.ca.ct.CtSubmissionException;
import dev.sigstack.ca.identity.InvalidTokenException;
import dev.sigstack.ca.identity.Principal;
import dev.sigstack.ca.identity.Principals;
import dev.sigstack.ca.identity.TokenVerifier;
import dev.sigstack.ca.issuance.CertificateIssuer;
import dev.sigstack.ca.issuance.InvalidKeyRequestException;
import dev.sigstack.ca.issuance.PublicKeys;

/**
 * {@code CreateSigningCertificate} without transport: verify the token, check the key and the proof of
 * possession, issue with an embedded SCT. REST and gRPC both call this.
 */
public final class SigningService {
    private static final Logger LOG = Logger.getLogger(SigningService.class.getName());
    static final String INVALID_IDENTITY_TOKEN = "There was an error processing the identity token";
    static final String CT_ERROR = "Error entering certificate in CTL";

    private final TokenVerifier verifier;
    private final Principals principals;
    private final CertificateIssuer issuer;
    private final Counter issued = Metrics.globalRegistry().getOrCreate(
        Counter.builder("ca_certificates_issued").description("certificates issued with an embedded SCT"));
    private final Counter refused = Metrics.globalRegistry().getOrCreate(
        Counter.builder("ca_requests_refused").description("signing requests refused (bad token, key or proof)"));
    private final Counter ctFailures = Metrics.globalRegistry().getOrCreate(
        Counter.builder("ca_ct_log_failures").description("CT log submissions that failed"));

    /** How the caller proves its key: a PEM public key plus a signature over its identity, or a CSR. */
    public sealed interface KeyRequest {
        /** {@code publicKeyRequest}: PEM (or base64 DER) public key and the proof of possession. */
        record PublicKeyRequest(String publicKey, byte[] proofOfPossession) implements KeyRequest {
            @Override
            public String toString() {
                return "PublicKeyRequest";
            }
        }

        /** {@code certificateSigningRequest}: a PEM or DER PKCS#10 request. */
        record CsrRequest(byte[] csr) implements KeyRequest {
            @Override
            public String toString() {
                return "CsrRequest";
            }
        }
    }

    public SigningService(TokenVerifier verifier, Principals principals, CertificateIssuer issuer) {
        this.verifier = verifier;
        this.principals = principals;
        this.issuer = issuer;
    }

    public CertificateIssuer issuer() {
        return issuer;
    }

    /**
     * Issues a certificate.
     *
     * @return leaf first, then the CA chain up to the root
     */
    public List<X509Certificate> createSigningCertificate(String token, KeyRequest request) throws CaException {
        try {
            List<X509Certificate> chain = create(token, request);
            issued.increment();
            return chain;
        } catch (CaException e) {
            if (e.code() == CaException.Code.INVALID_ARGUMENT) {
                refused.increment();
            } else {
                ctFailures.increment();
            }
            throw e;
        }
    }

    private List<X509Certificate> create(String token, KeyRequest request) throws CaException {
        Principal principal;
        try {
            principal = principals.of(verifier.verify(token));
        } catch (InvalidTokenException e) {
            throw new CaException(CaException.Code.INVALID_ARGUMENT, INVALID_IDENTITY_TOKEN + ": " + e.getMessage());
        }
        if (request == null) {
            throw new CaException(CaException.Code.INVALID_ARGUMENT,
                "The public key supplied in the request could not be parsed: request has neither publicKeyRequest nor certificateSigningRequest");
        }
        PublicKey key;
        try {
            key = switch (request) {
                case KeyRequest.CsrRequest csr -> PublicKeys.fromCsr(Objects.requireNonNullElse(csr.csr(), new byte[0]));
                case KeyRequest.PublicKeyRequest pk -> {
                    PublicKey k = PublicKeys.parse(pk.publicKey());
                    PublicKeys.verifyProofOfPossession(k, pk.proofOfPossession(), principal.name());
                    yield k;
                }
            };
        } catch (InvalidKeyRequestException e) {
            throw new CaException(CaException.Code.INVALID_ARGUMENT, e.getMessage());
        }
        try {
            return issuer.issue(principal, key);
        } catch (CtSubmissionException e) {
            LOG.log(Level.WARNING, "CT log submission failed: {0}", e.getMessage());
            throw new CaException(CaException.Code.INTERNAL, CT_ERROR, e);
        }
    }
}
