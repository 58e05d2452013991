package dev.sigstack.core.ct;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Builds the {@link SignedEntry} an SCT covers from certificates (RFC 6962 §3.1–3.2).
 *
 * <p>The issuer here signs precertificates directly (no Precertificate Signing Certificate), as Fulcio does, so
 * the precertificate's TBS needs no issuer rewriting: it is the TBS without the poison extension, and for a final
 * certificate the TBS without the SCT list extension.
 */
public final class Precertificates {

    private Precertificates() {
    }

    public static boolean isPrecertificate(X509CertificateHolder cert) {
        Extension poison = cert.getExtension(CtOids.POISON);
        return poison != null && poison.isCritical();
    }

    /** The entry an SCT for this precertificate signs, given the certificate that issued it. */
    public static SignedEntry.PrecertEntry precertEntry(X509CertificateHolder precert, X509CertificateHolder issuer) {
        return new SignedEntry.PrecertEntry(issuerKeyHash(issuer), tbsWithout(precert, CtOids.POISON));
    }

    /** The precertificate entry an embedded SCT of this final certificate signs. */
    public static SignedEntry.PrecertEntry embeddedEntry(X509CertificateHolder finalCert, X509CertificateHolder issuer) {
        return new SignedEntry.PrecertEntry(issuerKeyHash(issuer), tbsWithout(finalCert, CtOids.SCT_LIST));
    }

    public static byte[] issuerKeyHash(X509CertificateHolder issuer) {
        try {
            return LogId.sha256(issuer.getSubjectPublicKeyInfo().getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode SubjectPublicKeyInfo", e);
        }
    }

    /** The DER TBSCertificate with the extension {@code oid} removed, every other byte kept. */
    public static byte[] tbsWithout(X509CertificateHolder cert, ASN1ObjectIdentifier oid) {
        ASN1Sequence tbs = ASN1Sequence.getInstance(cert.toASN1Structure().getTBSCertificate().toASN1Primitive());
        ASN1EncodableVector v = new ASN1EncodableVector();
        for (ASN1Encodable element : tbs) {
            if (element instanceof ASN1TaggedObject t && t.getTagNo() == 3) {
                Extensions exts = Extensions.getInstance(t.getExplicitBaseObject());
                List<Extension> kept = new ArrayList<>();
                for (ASN1ObjectIdentifier id : exts.getExtensionOIDs()) {
                    if (!id.equals(oid)) {
                        kept.add(exts.getExtension(id));
                    }
                }
                if (!kept.isEmpty()) {
                    v.add(new DERTaggedObject(true, 3, new Extensions(kept.toArray(new Extension[0]))));
                }
            } else {
                v.add(element);
            }
        }
        try {
            return new DERSequence(v).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode TBSCertificate", e);
        }
    }
}
