package dev.sigstack.core.ct;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.Extension;

/**
 * The SCT list extension (RFC 6962 §3.3): {@code SignedCertificateTimestampList} is a TLS vector (2-byte length)
 * of SerializedSCT vectors (2-byte length each); the extension value is that list inside a DER OCTET STRING.
 */
public final class SctList {

    private SctList() {
    }

    /** The TLS-encoded list. */
    public static byte[] encodeTls(List<Sct> scts) {
        if (scts.isEmpty()) {
            throw new IllegalArgumentException("an SCT list holds at least one SCT");
        }
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        for (Sct sct : scts) {
            TlsCodec.writeVector(inner, sct.encode(), 2);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TlsCodec.writeVector(out, inner.toByteArray(), 2);
        return out.toByteArray();
    }

    /** The non-critical certificate extension holding the list. */
    public static Extension toExtension(List<Sct> scts) {
        try {
            return new Extension(CtOids.SCT_LIST, false, new DEROctetString(encodeTls(scts)).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the SCT list", e);
        }
    }

    /** Parses the extension value (the octets of the X.509 extnValue: a DER OCTET STRING around the TLS list). */
    public static List<Sct> parseExtensionValue(byte[] extnValue) throws MalformedCtDataException {
        byte[] tls;
        try {
            ASN1Primitive der = ASN1Primitive.fromByteArray(extnValue);
            if (der == null) { // BouncyCastle reads no bytes as no object
                throw new MalformedCtDataException("SCT list extension is empty");
            }
            tls = ASN1OctetString.getInstance(der).getOctets();
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedCtDataException("SCT list extension is not a DER OCTET STRING");
        }
        return parseTls(tls);
    }

    public static List<Sct> parseTls(byte[] tls) throws MalformedCtDataException {
        TlsCodec.Reader r = new TlsCodec.Reader(tls);
        TlsCodec.Reader list = r.subVector(2);
        r.expectEnd();
        List<Sct> out = new ArrayList<>();
        while (list.hasMore()) {
            out.add(Sct.parse(list.vector(2)));
        }
        if (out.isEmpty()) {
            throw new MalformedCtDataException("empty SCT list");
        }
        return List.copyOf(out);
    }
}
