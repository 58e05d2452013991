package dev.sigstack.ca.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.List;

import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.issuance.CertificateIssuer;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.core.ct.DigitallySigned;
import dev.sigstack.core.ct.Sct;
import dev.sigstack.core.x509.FulcioIdentity;

/**
 * Issues real certificates for principals with the CA's {@link CertificateIssuer} (a throwaway CA; the CT log is
 * a stub that returns a fixed SCT, which these tests do not verify) and reads them back with core's parser: the
 * decode(issue(token)) of the identity tests.
 */
final class IssuedIdentities {
    private static CertificateIssuer issuer;
    private static KeyPair leafKey;

    private IssuedIdentities() {
    }

    static synchronized CertificateIssuer issuer() throws Exception {
        if (issuer == null) {
            Path dir = Files.createTempDirectory("sigstack-identity-ca");
            CaSigner signer = CaKeys.create(dir, "test-only".toCharArray(), "identity-tests");
            Sct sct = new Sct(new byte[32], 0, null, new DigitallySigned(DigitallySigned.SHA256, DigitallySigned.ECDSA, new byte[] {1}));
            issuer = new CertificateIssuer(signer, chain -> sct, Clock.systemUTC());
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            leafKey = g.generateKeyPair();
        }
        return issuer;
    }

    /** The identity core's parser reads from the certificate the CA issues for {@code p}. */
    static FulcioIdentity issueAndDecode(Principal p) throws Exception {
        List<X509Certificate> chain = issuer().issue(p, leafKey.getPublic());
        return FulcioIdentity.of(chain.getFirst());
    }
}
