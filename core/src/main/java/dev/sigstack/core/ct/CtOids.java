package dev.sigstack.core.ct;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** Object identifiers of RFC 6962. */
public final class CtOids {
    /** The embedded SCT list extension (§3.3). */
    public static final ASN1ObjectIdentifier SCT_LIST = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");
    /** The critical precertificate poison extension, whose value is ASN.1 NULL (§3.1). */
    public static final ASN1ObjectIdentifier POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");
    /** The Precertificate Signing Certificate extended key usage (§3.1). */
    public static final ASN1ObjectIdentifier PRECERT_SIGNING_EKU = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.4");

    private CtOids() {
    }
}
