package dev.sigstack.core.x509;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERIA5String;
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
 * <p>Values are exact, both ways. rfc822Name and uniformResourceIdentifier are IA5String (RFC 5280 §4.2.1.6):
 * a value must be printable ASCII ({@code 0x21}–{@code 0x7E}; Go's {@code x509.CreateCertificate} refuses
 * anything above {@code 0x7F} and {@code net/url} refuses control characters). The otherName username is a
 * UTF8String: any well-formed Unicode (a lone UTF-16 surrogate has no UTF-8 form and is refused). Reading is as
 * strict: IA5 bytes above {@code 0x7F} and malformed UTF-8 are refused, never decoded as Latin-1 or replaced. A URI
 * must also be an absolute RFC 3986 URI (what the JDK's certificate parser requires).
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

    /**
     * @throws IllegalArgumentException if the value is empty or cannot be encoded exactly in its ASN.1 string type
     */
    public SubjectAltName {
        Objects.requireNonNull(kind, "kind");
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a subject alternative name must not be empty");
        }
        String problem = kind == Kind.OTHER_NAME ? utf8Problem(value) : ia5Problem(value);
        if (problem == null && kind == Kind.URI) {
            problem = uriProblem(value);
        }
        if (problem != null) {
            throw new IllegalArgumentException("subject alternative name " + printable(value) + " cannot be encoded exactly as "
                + (kind == Kind.OTHER_NAME ? "a UTF8String" : "an IA5String") + ": " + problem);
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

    /** Why {@code s} is not printable ASCII, or null if it is. */
    static String ia5Problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7e) {
                return String.format("character U+%04X at index %d is not ASCII", (int) s.codePointAt(i), i);
            }
            if (c < 0x21) {
                return String.format("control character or space U+%04X at index %d", (int) c, i);
            }
        }
        return null;
    }

    /**
     * Why {@code s} is not an absolute RFC 3986 URI, or null if it is. Go keeps some characters RFC 3986 does not
     * allow ({@code [ ]} in a path or fragment, anything in a query), and the JDK's certificate parser refuses a
     * certificate whose URI SAN holds them: such a value is refused rather than issued unreadable.
     */
    static String uriProblem(String s) {
        try {
            if (new java.net.URI(s).getScheme() == null) {
                return "a URI SAN must be absolute (have a scheme)";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return "not an RFC 3986 URI (" + e.getReason() + " at index " + e.getIndex() + ")";
        }
    }

    /** Why {@code s} has no exact UTF-8 form (a lone surrogate), or null if it has one. */
    public static String utf8Problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("lone surrogate U+%04X at index %d", (int) c, i);
            }
        }
        return null;
    }

    /** The value with non-printable-ASCII characters shown as {@code \\uXXXX}, for messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(s.length(), 200);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04X", (int) c));
            }
        }
        return b.append(s.length() > n ? "...'" : "'").toString();
    }

    public GeneralName toGeneralName() {
        return switch (kind) {
            case EMAIL -> new GeneralName(GeneralName.rfc822Name, new DERIA5String(value, true));
            case URI -> new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(value, true));
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
     * @throws InvalidFulcioExtensionException if there is no SAN, more than one name, a form Fulcio never issues, or
     *     a value whose bytes are not printable IA5 (rfc822Name, URI) or well-formed UTF-8 (otherName)
     */
    public static SubjectAltName parse(Extensions extensions) throws InvalidFulcioExtensionException {
        GeneralNames names;
        try {
            names = extensions == null ? null : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidFulcioExtensionException("subjectAltName is not valid DER: " + e.getMessage());
        }
        if (names == null || names.getNames().length == 0) {
            throw new InvalidFulcioExtensionException("certificate has no subjectAltName");
        }
        if (names.getNames().length != 1) {
            throw new InvalidFulcioExtensionException("a Fulcio certificate has exactly one subjectAltName, found " + names.getNames().length);
        }
        GeneralName name = names.getNames()[0];
        return switch (name.getTagNo()) {
            case GeneralName.rfc822Name -> email(ia5(name, "rfc822Name"));
            case GeneralName.uniformResourceIdentifier -> uri(ia5(name, "uniformResourceIdentifier"));
            case GeneralName.otherName -> parseOtherName(ASN1Sequence.getInstance(name.getName()));
            default -> throw new InvalidFulcioExtensionException("unexpected subjectAltName form " + name.getTagNo());
        };
    }

    /**
     * The text of an IA5String GeneralName (rfc822Name, dNSName, URI), read strictly.
     *
     * @throws InvalidFulcioExtensionException if a byte is above {@code 0x7F} or is a control character or space
     */
    public static String ia5(GeneralName name, String what) throws InvalidFulcioExtensionException {
        if (!(name.getName() instanceof ASN1IA5String s)) {
            throw new InvalidFulcioExtensionException(what + " SAN is not an IA5String");
        }
        byte[] octets = s.getOctets();
        for (int i = 0; i < octets.length; i++) {
            int b = octets[i] & 0xff;
            if (b > 0x7e || b < 0x21) {
                throw new InvalidFulcioExtensionException(String.format(
                    "%s SAN byte 0x%02X at index %d is not printable IA5 (7-bit ASCII)", what, b, i));
            }
        }
        if (octets.length == 0) {
            throw new InvalidFulcioExtensionException(what + " SAN is empty");
        }
        return new String(octets, StandardCharsets.US_ASCII);
    }

    /**
     * The text of a UTF8String, decoded strictly (malformed, overlong and surrogate encodings refused).
     *
     * @throws InvalidFulcioExtensionException if the bytes are not well-formed UTF-8
     */
    public static String utf8(ASN1UTF8String s, String what) throws InvalidFulcioExtensionException {
        byte[] der;
        try {
            der = ((ASN1Primitive) s).getEncoded();
        } catch (IOException e) {
            throw new InvalidFulcioExtensionException(what + " cannot be encoded");
        }
        return utf8(contents(der), what);
    }

    /** Strict UTF-8 decoding of raw bytes. */
    public static String utf8(byte[] bytes, String what) throws InvalidFulcioExtensionException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidFulcioExtensionException(what + " is not well-formed UTF-8");
        }
    }

    /** The contents octets of a DER TLV with a one-byte tag. */
    private static byte[] contents(byte[] tlv) {
        int len = tlv[1] & 0xff;
        int off = 2;
        if (len > 0x7f) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (tlv[2 + i] & 0xff);
            }
            off = 2 + n;
        }
        return java.util.Arrays.copyOfRange(tlv, off, off + len);
    }

    private static SubjectAltName parseOtherName(ASN1Sequence seq) throws InvalidFulcioExtensionException {
        if (seq.size() != 2 || !FulcioOid.OTHER_NAME.oid().equals(ASN1ObjectIdentifier.getInstance(seq.getObjectAt(0)))) {
            throw new InvalidFulcioExtensionException("otherName SAN is not of type 1.3.6.1.4.1.57264.1.7");
        }
        ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(seq.getObjectAt(1));
        if (!(tagged.getExplicitBaseObject() instanceof ASN1UTF8String s)) {
            throw new InvalidFulcioExtensionException("otherName SAN value is not a UTF8String");
        }
        String v = utf8(s, "otherName SAN");
        if (v.isEmpty()) {
            throw new InvalidFulcioExtensionException("otherName SAN is empty");
        }
        return otherName(v);
    }
}
