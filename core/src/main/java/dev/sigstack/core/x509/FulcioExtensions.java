package dev.sigstack.core.x509;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

/**
 * The identity that Fulcio writes into a certificate's {@code 1.3.6.1.4.1.57264.1.*} extensions.
 *
 * <p>{@link #toExtensions()} renders them as Fulcio does: the issuer twice (.1 raw and .8 DER), the deprecated
 * GitHub fields .2–.6 as raw bytes when set, then .9–.24 as DER UTF8String when set; all non-critical.
 * {@link #parse(Extensions)} is the inverse, for the admission gate and monitors. Values are exact both ways: a value
 * with no UTF-8 form (a lone surrogate) is refused, and bytes that are not well-formed UTF-8 are refused on reading,
 * never replaced. Control characters are kept, as Fulcio keeps them (Go writes the claim's bytes unchanged).
 *
 * @param values the value of each set extension; {@link FulcioOid#ISSUER_V2} is required
 */
public record FulcioExtensions(Map<FulcioOid, String> values) {

    public FulcioExtensions {
        Objects.requireNonNull(values, "values");
        EnumMap<FulcioOid, String> copy = new EnumMap<>(FulcioOid.class);
        for (Map.Entry<FulcioOid, String> e : values.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) {
                continue;
            }
            FulcioOid oid = e.getKey() == FulcioOid.ISSUER_V1 ? FulcioOid.ISSUER_V2 : e.getKey();
            if (oid == FulcioOid.OTHER_NAME) {
                throw new IllegalArgumentException("1.3.6.1.4.1.57264.1.7 is a SAN type, not an extension");
            }
            String problem = SubjectAltName.utf8Problem(e.getValue());
            if (problem != null) {
                throw new IllegalArgumentException("extension " + oid.dotted() + " value cannot be encoded exactly as UTF-8: "
                    + problem);
            }
            copy.put(oid, e.getValue());
        }
        if (!copy.containsKey(FulcioOid.ISSUER_V2)) {
            throw new IllegalArgumentException("extensions must have a non-empty issuer");
        }
        values = Map.copyOf(copy);
    }

    /** A builder starting from the issuer, which every certificate carries. */
    public static Builder builder(String issuer) {
        return new Builder().set(FulcioOid.ISSUER_V2, issuer);
    }

    public String issuer() {
        return values.get(FulcioOid.ISSUER_V2);
    }

    public Optional<String> get(FulcioOid oid) {
        return Optional.ofNullable(values.get(oid == FulcioOid.ISSUER_V1 ? FulcioOid.ISSUER_V2 : oid));
    }

    /** The extensions in Fulcio's order, all non-critical. */
    public List<Extension> toExtensions() {
        List<Extension> out = new ArrayList<>();
        out.add(raw(FulcioOid.ISSUER_V1, issuer()));
        for (FulcioOid oid : FulcioOid.values()) {
            if (oid.encoding() == FulcioOid.Encoding.RAW && oid != FulcioOid.ISSUER_V1 && values.containsKey(oid)) {
                out.add(raw(oid, values.get(oid)));
            }
        }
        for (FulcioOid oid : FulcioOid.values()) {
            if (oid.encoding() == FulcioOid.Encoding.UTF8_STRING && values.containsKey(oid)) {
                out.add(utf8(oid, values.get(oid)));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Reads Fulcio's extensions from a certificate's extensions. The DER issuer (.8) wins over the raw one (.1).
     *
     * @throws InvalidFulcioExtensionException if a DER-encoded extension is not exactly one UTF8String, or no
     *     issuer is present
     */
    public static FulcioExtensions parse(Extensions extensions) throws InvalidFulcioExtensionException {
        EnumMap<FulcioOid, String> out = new EnumMap<>(FulcioOid.class);
        String rawIssuer = null;
        for (FulcioOid oid : FulcioOid.values()) {
            Extension ext = extensions == null ? null : extensions.getExtension(oid.oid());
            if (ext == null) {
                continue;
            }
            byte[] value = ext.getExtnValue().getOctets();
            switch (oid.encoding()) {
                case RAW -> {
                    String s = SubjectAltName.utf8(value, "extension " + oid.dotted());
                    if (oid == FulcioOid.ISSUER_V1) {
                        rawIssuer = s;
                    } else {
                        out.put(oid, s);
                    }
                }
                case UTF8_STRING -> out.put(oid, derUtf8(oid, value));
                case NONE -> { }
            }
        }
        if (!out.containsKey(FulcioOid.ISSUER_V2) && rawIssuer != null) {
            out.put(FulcioOid.ISSUER_V2, rawIssuer);
        }
        if (!out.containsKey(FulcioOid.ISSUER_V2)) {
            throw new InvalidFulcioExtensionException("certificate has no Fulcio issuer extension (1.3.6.1.4.1.57264.1.8 or .1)");
        }
        return new FulcioExtensions(out);
    }

    private static String derUtf8(FulcioOid oid, byte[] value) throws InvalidFulcioExtensionException {
        try {
            ASN1Primitive p = ASN1Primitive.fromByteArray(value);
            if (!(p instanceof ASN1UTF8String s)) {
                throw new InvalidFulcioExtensionException("extension " + oid.dotted() + " is not a DER UTF8String");
            }
            return SubjectAltName.utf8(s, "extension " + oid.dotted());
        } catch (IOException e) {
            throw new InvalidFulcioExtensionException("extension " + oid.dotted() + " is not valid DER (or has trailing bytes)");
        }
    }

    private static Extension raw(FulcioOid oid, String value) {
        return new Extension(oid.oid(), false, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Extension utf8(FulcioOid oid, String value) {
        try {
            return new Extension(oid.oid(), false, new DERUTF8String(value).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a UTF8String", e);
        }
    }

    /** Collects extension values; empty values are dropped, as Fulcio omits them. */
    public static final class Builder {
        private final EnumMap<FulcioOid, String> values = new EnumMap<>(FulcioOid.class);

        public Builder set(FulcioOid oid, String value) {
            if (value != null && !value.isEmpty()) {
                values.put(oid, value);
            } else {
                values.remove(oid);
            }
            return this;
        }

        public FulcioExtensions build() {
            return new FulcioExtensions(values);
        }
    }
}
