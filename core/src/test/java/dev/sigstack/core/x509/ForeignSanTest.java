package dev.sigstack.core.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Certificates made by another CA (BouncyCastle with hand-written DER, so nothing validates the strings) whose SAN
 * or Fulcio extension bytes are not what the profile's string type allows. The parser must refuse them: decoding
 * IA5 bytes as Latin-1 (what BouncyCastle's {@code getString()} does) or replacing bad UTF-8 would hand a verifier
 * an identity the certificate does not hold.
 */
public class ForeignSanTest {

    /** {@code alice@c\u016Frp.com} with U+016F written as its UTF-8 bytes inside an IA5String. */
    public static final byte[] EMAIL_UTF8_IN_IA5 = "alice@cůrp.com".getBytes(StandardCharsets.UTF_8);

    static Stream<Arguments> badSans() {
        return Stream.of(
            Arguments.of("rfc822Name with UTF-8 bytes", tlv(0x30, tlv(0x81, EMAIL_UTF8_IN_IA5))),
            Arguments.of("rfc822Name with a Latin-1 byte", tlv(0x30, tlv(0x81, bytes("alice@c", 0xE9, "rp.com")))),
            Arguments.of("URI with a byte above 0x7F", tlv(0x30, tlv(0x86,
                bytes("https://github.com/o/r/.github/workflows/w.yml@refs/heads/ma", 0xC5, 0xA9, "n")))),
            Arguments.of("URI with a control character", tlv(0x30, tlv(0x86, bytes("https://x.example/a", 0x0A, "b")))),
            Arguments.of("otherName with an overlong UTF-8 '!'", tlv(0x30, otherName(bytes("alice", 0xC0, 0xA1, "example.com")))),
            Arguments.of("otherName with a UTF-8 surrogate", tlv(0x30, otherName(bytes("al", 0xED, 0xA0, 0x80, "ice!example.com")))),
            Arguments.of("otherName with a truncated sequence", tlv(0x30, otherName(bytes("alice!example.co", 0xE2, 0x82)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSans")
    void of_foreignCertificateWithBadSanBytes_refused(String what, byte[] sanDer) throws Exception {
        // read as BouncyCastle's holder: the JDK's parser already refuses some of these (a URI with a control character)
        var cert = new org.bouncycastle.cert.X509CertificateHolder(foreignDer(sanDer, utf8Ext("https://issuer.example")));
        InvalidFulcioExtensionException e = assertThrows(InvalidFulcioExtensionException.class, () -> FulcioIdentity.of(cert));
        assertTrue(e.getMessage().contains("IA5") || e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void of_foreignCertificateWithPrintableIa5_readExactly() throws Exception {
        X509Certificate cert = foreignCert(tlv(0x30, tlv(0x81, "alice@corp.com".getBytes(StandardCharsets.US_ASCII))),
            utf8Ext("https://issuer.example"));
        FulcioIdentity id = FulcioIdentity.of(cert);
        assertEquals(SubjectAltName.email("alice@corp.com"), id.san());
    }

    @Test
    void of_foreignCertificateWithUnicodeOtherName_readExactly() throws Exception {
        String user = "ma\u0169n\u202E!example.com";
        X509Certificate cert = foreignCert(tlv(0x30, otherName(user.getBytes(StandardCharsets.UTF_8))), utf8Ext("https://issuer.example"));
        assertEquals(SubjectAltName.otherName(user), FulcioIdentity.of(cert).san());
    }

    @Test
    void of_issuerExtensionWithBadUtf8_refused() throws Exception {
        byte[] ext = tlv(0x0C, bytes("https://issuer.ex", 0xFF, "ample"));
        X509Certificate cert = foreignCert(tlv(0x30, tlv(0x81, "a@b.example".getBytes(StandardCharsets.US_ASCII))), ext);
        InvalidFulcioExtensionException e = assertThrows(InvalidFulcioExtensionException.class, () -> FulcioIdentity.of(cert));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void construct_nonIa5OrLoneSurrogate_refused() {
        assertThrows(IllegalArgumentException.class, () -> SubjectAltName.email("alice@c\u016Frp.com"));
        assertThrows(IllegalArgumentException.class, () -> SubjectAltName.email("ma\u0169n@corp.com"));
        assertThrows(IllegalArgumentException.class, () -> SubjectAltName.uri("https://x.example/a b"));
        assertThrows(IllegalArgumentException.class, () -> SubjectAltName.uri("https://x.example/\u0000"));
        assertThrows(IllegalArgumentException.class, () -> SubjectAltName.otherName("al\uD800ice!example.com"));
        assertThrows(IllegalArgumentException.class, () -> FulcioExtensions.builder("https://i.example")
            .set(FulcioOid.SOURCE_REPOSITORY_REF, "refs/heads/\uDC00").build());
        assertEquals("alice\u202E!example.com", SubjectAltName.otherName("alice\u202E!example.com").value());
    }

    public static X509Certificate foreignCert(byte[] sanDer, byte[] issuerExtDer) throws Exception {
        byte[] der = foreignDer(sanDer, issuerExtDer);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    static byte[] foreignDer(byte[] sanDer, byte[] issuerExtDer) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=another CA");
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.TWO, new Date(0), new Date(4102444800000L),
            new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), kp.getPublic());
        b.addExtension(new Extension(Extension.subjectAlternativeName, true, sanDer));
        b.addExtension(new Extension(FulcioOid.ISSUER_V2.oid(), false, issuerExtDer));
        return b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())).getEncoded();
    }

    public static byte[] utf8Ext(String s) throws Exception {
        return new DERUTF8String(s).getEncoded();
    }

    /** otherName [0] { type-id 1.3.6.1.4.1.57264.1.7, [0] EXPLICIT UTF8String(raw bytes) }. */
    static byte[] otherName(byte[] utf8) {
        byte[] oid = HexFormat.of().parseHex("060a2b0601040183bf300107");
        byte[] value = tlv(0xA0, tlv(0x0C, utf8));
        return tlv(0xA0, concat(oid, value));
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public static byte[] tlv(int tag, byte[] content) {
        if (content.length > 127) {
            throw new IllegalArgumentException("short form only");
        }
        byte[] out = new byte[2 + content.length];
        out[0] = (byte) tag;
        out[1] = (byte) content.length;
        System.arraycopy(content, 0, out, 2, content.length);
        return out;
    }
}
