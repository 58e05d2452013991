package dev.sigstack.core.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed ECDSA serving certificates naming {@code localhost}, {@code 127.0.0.1} and the advertised host. */
public final class ServingCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServingCertificates() {
    }

    /**
     * A certificate for {@code kp} (an EC key), valid from a minute ago for {@code validity}, whose subjectAltName
     * holds {@code localhost}, {@code 127.0.0.1} and {@code host} (as an IP address or a DNS name; a wildcard bind
     * address such as {@code 0.0.0.0} adds nothing).
     */
    public static X509Certificate selfSigned(KeyPair kp, String commonName, String host, Duration validity)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + commonName);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, RANDOM),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), name, kp.getPublic());
        List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("0.0.0.0") && !host.equals("::")) {
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        try {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot create a serving certificate for " + host, e);
        }
    }
}
