package dev.sigstack.core.x509;

import java.io.IOException;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The one Subject Alternative Name of a Fulcio certificate. The subject DN is empty, so RFC 5280 §4.2.1.6
 * requires the extension to be critical.
 *
 * @param kind  which GeneralName form carries the identity
 * @param value the e-mail address, the URI, or for {@link Kind#OTHER_NAME} the {@code user!domain} string
 */
public record SubjectAltName(Kind kind, String value) {

    /** The GeneralName forms Fulcio issues. */
    public enum Kind {
        /** rfc822Name, for {@code email} issuers. */
        EMAIL,
        /** uniformResourceIdentifier, for workflow, kubernetes, spiffe, uri and ci-provider issuers. */
        URI,
        /** otherName with type-id {@code 1.3.6.1.4.1.57264.1.7} and a UTF8String, for {@code username} issuers. */
        OTHER_NAME
    }

    public SubjectAltName {
        Objects.requireNonNull(kind, "kind");
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a subject alternative name must not be empty");
        }
    }

    public static SubjectAltName email(String address) {
        return new SubjectAltName(Kind.EMAIL, address);
    }

    public static SubjectAltName uri(String uri) {
        return new SubjectAltName(Kind.URI, uri);
    }

    public static SubjectAltName otherName(String value) {
        return new SubjectAltName(Kind.OTHER_NAME, value);
    }

    public GeneralName toGeneralName() {
        return switch (kind) {
            case EMAIL -> new GeneralName(GeneralName.rfc822Name, value);
            case URI -> new GeneralName(GeneralName.uniformResourceIdentifier, value);
            case OTHER_NAME -> new GeneralName(GeneralName.otherName, new DERSequence(new ASN1Encodable[] {
                FulcioOid.OTHER_NAME.oid(), new DERTaggedObject(true, 0, new DERUTF8String(value))}));
        };
    }

    /** The critical subjectAltName extension holding this one name. */
    public Extension toExtension() {
        try {
            return new Extension(Extension.subjectAlternativeName, true, new GeneralNames(toGeneralName()).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a subjectAltName", e);
        }
    }

    /**
     * Reads the single SAN of a Fulcio certificate.
     *
     * @throws InvalidFulcioExtensionException if there is no SAN, more than one name, or a form Fulcio never issues
     */
    public static SubjectAltName parse(Extensions extensions) throws InvalidFulcioExtensionException {
        GeneralNames names = extensions == null ? null : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        if (names == null || names.getNames().length == 0) {
            throw new InvalidFulcioExtensionException("certificate has no subjectAltName");
        }
        if (names.getNames().length != 1) {
            throw new InvalidFulcioExtensionException("a Fulcio certificate has exactly one subjectAltName, found " + names.getNames().length);
        }
        GeneralName name = names.getNames()[0];
        return switch (name.getTagNo()) {
            case GeneralName.rfc822Name -> email(((ASN1String) name.getName()).getString());
            case GeneralName.uniformResourceIdentifier -> uri(((ASN1String) name.getName()).getString());
            case GeneralName.otherName -> parseOtherName(ASN1Sequence.getInstance(name.getName()));
            default -> throw new InvalidFulcioExtensionException("unexpected subjectAltName form " + name.getTagNo());
        };
    }

    private static SubjectAltName parseOtherName(ASN1Sequence seq) throws InvalidFulcioExtensionException {
        if (seq.size() != 2 || !FulcioOid.OTHER_NAME.oid().equals(ASN1ObjectIdentifier.getInstance(seq.getObjectAt(0)))) {
            throw new InvalidFulcioExtensionException("otherName SAN is not of type 1.3.6.1.4.1.57264.1.7");
        }
        ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(seq.getObjectAt(1));
        if (!(tagged.getExplicitBaseObject() instanceof DERUTF8String s)) {
            throw new InvalidFulcioExtensionException("otherName SAN value is not a UTF8String");
        }
        return otherName(s.getString());
    }
}
