package dev.sigstack.gate.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * RFC 3161 timestamps as cosign stores them ({@code dev.sigstore.cosign/rfc3161timestamp}:
 * {@code {"SignedRFC3161Timestamp": base64(TimeStampResp DER)}}) over the raw signature bytes: the token must be
 * signed by a timestamp authority of the TrustRoot (leaf first, then its chain), its imprint must be the SHA-256 of
 * the signature, and the authority's chain must be valid at the token's time.
 */
final class Timestamps {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Timestamps() {
    }

    /** Verifies the annotation; returns the timestamp's time. */
    static Instant verify(String annotation, byte[] signature, List<X509Certificate> tsaChain)
            throws VerificationException {
        if (tsaChain.isEmpty()) {
            throw new VerificationException("no timestamp authority in the trust root");
        }
        TimeStampToken token;
        try {
            JsonNode n = JSON.readTree(annotation.getBytes(StandardCharsets.UTF_8));
            byte[] der = Base64.getDecoder().decode(n.path("SignedRFC3161Timestamp").asText(""));
            TimeStampResponse resp = new TimeStampResponse(der);
            token = resp.getTimeStampToken();
            if (token == null) {
                throw new VerificationException("RFC3161 timestamp response carries no token (status "
                        + resp.getStatus() + ")");
            }
        } catch (IOException | TSPException | IllegalArgumentException e) {
            throw new VerificationException("RFC3161 timestamp is malformed: " + e.getMessage());
        }
        X509Certificate leaf = tsaChain.get(0);
        try {
            SignerInformationVerifier v = new JcaSimpleSignerInfoVerifierBuilder().build(leaf);
            token.validate(v);
        } catch (Exception e) {
            throw new VerificationException("RFC3161 timestamp is not signed by the trusted timestamp authority: "
                    + e.getMessage());
        }
        String alg = token.getTimeStampInfo().getMessageImprintAlgOID().getId();
        if (!alg.equals("2.16.840.1.101.3.4.2.1")) {
            throw new VerificationException("RFC3161 timestamp imprint is not SHA-256");
        }
        byte[] want;
        try {
            want = MessageDigest.getInstance("SHA-256").digest(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(want, token.getTimeStampInfo().getMessageImprintDigest())) {
            throw new VerificationException("RFC3161 timestamp is for another signature");
        }
        Instant at = token.getTimeStampInfo().getGenTime().toInstant();
        chain(tsaChain, at);
        return at;
    }

    private static void chain(List<X509Certificate> chain, Instant at) throws VerificationException {
        X509Certificate root = chain.get(chain.size() - 1);
        try {
            List<X509Certificate> path = new ArrayList<>(chain.subList(0, Math.max(1, chain.size() - 1)));
            if (chain.size() == 1) {
                root.checkValidity(Date.from(at));
                return;
            }
            PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            p.setRevocationEnabled(false);
            p.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(path), p);
        } catch (GeneralSecurityException e) {
            throw new VerificationException("timestamp authority chain is not valid at " + at + ": "
                    + e.getMessage());
        }
    }

}
