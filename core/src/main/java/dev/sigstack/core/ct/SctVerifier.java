package dev.sigstack.core.ct;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;

/** Verifies SCTs against a log key. Every method throws on failure and returns normally on success. */
public final class SctVerifier {

    private SctVerifier() {
    }

    /** Verifies one SCT over {@code entry} with the log's key (the SCT's log ID must be the key's). */
    public static void verify(Sct sct, SignedEntry entry, PublicKey logKey) throws SctVerificationException {
        if (!MessageDigest.isEqual(sct.logId(), LogId.of(logKey))) {
            throw new SctVerificationException("SCT log ID does not match the log key");
        }
        try {
            Signature s = Signature.getInstance(sct.signature().jcaAlgorithm());
            s.initVerify(logKey);
            s.update(entry.signatureInput(sct.timestamp(), sct.extensions()));
            if (!s.verify(sct.signature().signature())) {
                throw new SctVerificationException("SCT signature does not verify");
            }
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new SctVerificationException("SCT signature does not verify: " + e.getMessage());
        }
    }

    /**
     * Verifies that {@code cert} carries an embedded SCT from the log with {@code logKey}, over the precertificate
     * that {@code issuer} signed.
     *
     * @return the verified SCT
     */
    public static Sct verifyEmbedded(X509CertificateHolder cert, X509CertificateHolder issuer, PublicKey logKey)
            throws SctVerificationException {
        Extension ext = cert.getExtension(CtOids.SCT_LIST);
        if (ext == null) {
            throw new SctVerificationException("certificate has no embedded SCT list");
        }
        List<Sct> scts;
        try {
            scts = SctList.parseExtensionValue(ext.getExtnValue().getOctets());
        } catch (MalformedCtDataException e) {
            throw new SctVerificationException("embedded SCT list is malformed: " + e.getMessage());
        }
        byte[] logId = LogId.of(logKey);
        SignedEntry entry = Precertificates.embeddedEntry(cert, issuer);
        for (Sct sct : scts) {
            if (MessageDigest.isEqual(sct.logId(), logId)) {
                verify(sct, entry, logKey);
                return sct;
            }
        }
        throw new SctVerificationException("no embedded SCT from the given log");
    }
}
