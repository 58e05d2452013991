package dev.sigstack.core.verify;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * RFC 3161 timestamps as Sigstore uses them: the message imprint is a digest of the bundle's signature bytes, the
 * token is signed by a timestamp authority of the trusted root (its leaf certificate, which must carry the
 * critical time-stamping EKU and match the token's ESSCertID), the generation time lies within that authority's
 * {@code validFor} (closed interval) and the authority's chain is valid at that time.
 */
final class Rfc3161Timestamps {

    private Rfc3161Timestamps() {
    }

    /** Parses a DER TimeStampResp (what the bundle stores) or, leniently, a bare TimeStampToken. */
    static TimeStampToken parse(byte[] der) throws IOException {
        TimeStampToken token = parseToken(der);
        // RFC 3161 §2.4.2: the token is a ContentInfo of type id-signedData; BouncyCastle does not check the outer
        // type (the signature does not cover it), Go's pkcs7 parser refuses anything else
        if (!org.bouncycastle.asn1.cms.CMSObjectIdentifiers.signedData.equals(
                token.toCMSSignedData().toASN1Structure().getContentType())) {
            throw new IOException("timestamp token is not CMS SignedData (content type "
                    + token.toCMSSignedData().toASN1Structure().getContentType() + ")");
        }
        return token;
    }

    private static TimeStampToken parseToken(byte[] der) throws IOException {
        try {
            TimeStampResponse response = new TimeStampResponse(der);
            if (response.getTimeStampToken() == null) {
                throw new IOException("timestamp response carries no token (status " + response.getStatus() + ")");
            }
            return response.getTimeStampToken();
        } catch (TSPException | IOException | RuntimeException first) {
            try {
                return new TimeStampToken(new CMSSignedData(der));
            } catch (TSPException | CMSException | IOException | RuntimeException second) {
                throw new IOException("not an RFC 3161 timestamp response or token: " + first.getMessage());
            }
        }
    }

    /**
     * Verifies one timestamp over {@code signature}.
     *
     * @return the verified generation time
     */
    static Instant verify(int index, byte[] der, byte[] signature, List<CertificatePaths.Authority> authorities)
            throws BundleVerificationException.InvalidTimestamp {
        TimeStampToken token;
        try {
            token = parse(der);
        } catch (IOException e) {
            throw new BundleVerificationException.InvalidTimestamp(index, e.getMessage(), e);
        }
        ASN1ObjectIdentifier alg = token.getTimeStampInfo().getMessageImprintAlgOID();
        String digestName = digestName(alg);
        if (digestName == null) {
            throw new BundleVerificationException.InvalidTimestamp(index, "unsupported message imprint algorithm " + alg, null);
        }
        byte[] expected;
        try {
            expected = MessageDigest.getInstance(digestName).digest(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (!MessageDigest.isEqual(expected, token.getTimeStampInfo().getMessageImprintDigest())) {
            throw new BundleVerificationException.InvalidTimestamp(index,
                    "its message imprint is not the " + digestName + " digest of the bundle's signature", null);
        }
        Instant genTime = token.getTimeStampInfo().getGenTime().toInstant();
        if (authorities.isEmpty()) {
            throw new BundleVerificationException.InvalidTimestamp(index, "the trusted root has no timestamp authority", null);
        }
        List<String> reasons = new ArrayList<>();
        for (CertificatePaths.Authority tsa : authorities) {
            java.security.cert.X509Certificate leaf = tsa.chain().get(0);
            try {
                token.validate(new JcaSimpleSignerInfoVerifierBuilder().build(new X509CertificateHolder(leaf.getEncoded())));
            } catch (TSPException | OperatorCreationException | java.security.cert.CertificateException | IOException
                    | RuntimeException e) {
                reasons.add(tsa.uri() + ": not signed by its certificate (" + e.getMessage() + ")");
                continue;
            }
            if (!tsa.validAt(genTime)) {
                reasons.add(tsa.uri() + ": generation time " + genTime + " is outside the authority's validity in the trusted root");
                continue;
            }
            try {
                validateChain(tsa, genTime);
            } catch (GeneralSecurityException e) {
                reasons.add(tsa.uri() + ": its certificate chain is not valid at " + genTime + " (" + e.getMessage() + ")");
                continue;
            }
            return genTime;
        }
        throw new BundleVerificationException.InvalidTimestamp(index, String.join("; ", reasons), null);
    }

    private static void validateChain(CertificatePaths.Authority tsa, Instant t) throws GeneralSecurityException {
        List<java.security.cert.X509Certificate> chain = tsa.chain();
        if (chain.size() == 1) {
            chain.get(0).checkValidity(java.util.Date.from(t));
            return;
        }
        CertificatePaths.validate(chain.get(0),
                new CertificatePaths.Authority(tsa.uri(), tsa.validFor(), chain.subList(1, chain.size())), t);
    }

    private static String digestName(ASN1ObjectIdentifier alg) {
        if (NISTObjectIdentifiers.id_sha256.equals(alg)) {
            return "SHA-256";
        }
        if (NISTObjectIdentifiers.id_sha384.equals(alg)) {
            return "SHA-384";
        }
        if (NISTObjectIdentifiers.id_sha512.equals(alg)) {
            return "SHA-512";
        }
        return null;
    }
}
