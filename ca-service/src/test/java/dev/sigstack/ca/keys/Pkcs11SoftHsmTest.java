package dev.sigstack.ca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sigstack.ca.identity.Principal;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.issuance.CertificateIssuer;
import dev.sigstack.core.ct.SctVerifier;
import dev.sigstack.core.x509.FulcioExtensions;
import dev.sigstack.core.x509.SubjectAltName;
import dev.sigstack.tlog.ct.CtLog;
import dev.sigstack.ca.testing.StoredLogs;

/**
 * The CA key in SoftHSM2 through SunPKCS11: stored in a fresh token, loaded back as a non-extractable token key,
 * and used to issue certificates whose chain and SCT verify. Skips when softhsm2 is not installed.
 */
class Pkcs11SoftHsmTest {
    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final char[] PIN = "5678".toCharArray();
    private static Path providerConfig;

    @BeforeAll
    static void initToken() throws Exception {
        assumeTrue(Files.exists(LIBRARY) && Files.isExecutable(Path.of("/usr/bin/softhsm2-util")),
            "softhsm2 is not installed (Debian package softhsm2): skipping the PKCS#11 test");
        String conf = System.getenv("SOFTHSM2_CONF");
        assumeTrue(conf != null, "SOFTHSM2_CONF is not set (run through Maven, which sets it)");
        Path confFile = Path.of(conf);
        Path tokens = confFile.resolveSibling("tokens");
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "sigstack-" + System.nanoTime(),
            "--so-pin", "1234", "--pin", new String(PIN)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        providerConfig = confFile.resolveSibling("sunpkcs11-" + m.group(1) + ".cfg");
        Files.writeString(providerConfig, "name = SoftHSM" + m.group(1) + "\nlibrary = " + LIBRARY + "\nslot = " + m.group(1) + "\n");
    }

    @Test
    void load_storedCaKey_issuesCertificateVerifiedWithSct(@TempDir Path dir) throws Exception {
        CaSigner soft = CaKeys.create(dir, "pw".toCharArray(), "hsm-test");
        Pkcs11Keys.store(providerConfig, PIN, "fulcio", soft.key(), soft.chain());

        CaSigner hsm = Pkcs11Keys.load(providerConfig, PIN, "fulcio");
        assertTrue(hsm.provider().getName().startsWith("SunPKCS11"), hsm.provider().getName());
        assertNull(hsm.key().getEncoded(), "the token key is sensitive: it cannot be exported");
        assertEquals(soft.chain(), hsm.chain());

        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair logKey = g.generateKeyPair();
        StoredLogs logs = new StoredLogs("ct.hsm", logKey);
        CtLog log = new CtLog(logs.engine(), logKey.getPrivate(), logKey.getPublic(), List.of(hsm.chain().getLast()), Clock.systemUTC());
        CertificateIssuer issuer = new CertificateIssuer(hsm, chain -> {
            try {
                return log.addPreChain(chain);
            } catch (Exception e) {
                throw new dev.sigstack.ca.ct.CtSubmissionException(e.getMessage(), e);
            }
        }, Clock.systemUTC());
        KeyPair leafKey = g.generateKeyPair();
        List<X509Certificate> chain = issuer.issue(new Principal("a@example.com", SubjectAltName.email("a@example.com"),
            FulcioExtensions.builder("https://issuer.example").build()), leafKey.getPublic());
        chain.getFirst().verify(hsm.chain().getFirst().getPublicKey());
        SctVerifier.verifyEmbedded(new X509CertificateHolder(chain.getFirst().getEncoded()),
            new X509CertificateHolder(chain.get(1).getEncoded()), logKey.getPublic());
    }

    @Test
    void load_unknownAlias_clearError() throws Exception {
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> Pkcs11Keys.load(providerConfig, PIN, "nope"));
        assertTrue(e.getMessage().contains("no private key under alias 'nope'"), e.getMessage());
    }
}
