package dev.sigstack.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigstack.core.rekor.PublicKeyMaterial;
import dev.sigstack.tlog.TlogServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A log behind TLS with a certificate of the site's own CA: trusted with --ca-cert, refused without it. */
final class TlsLogTest {
    @TempDir
    Path tmp;

    static X509Certificate cert(KeyPair subject, X500Name name, KeyPair issuer, X500Name issuerName, boolean ca)
            throws Exception {
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), name, subject.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = MonitorCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void audit_httpsLogWithInternalCa_needsCaCert() throws Exception {
        KeyPair caKey = TestLog.p256();
        KeyPair serverKey = TestLog.p256();
        X500Name caName = new X500Name("CN=site root");
        X509Certificate ca = cert(caKey, caName, caKey, caName, true);
        X509Certificate server = cert(serverKey, new X500Name("CN=log"), caKey, caName, false);
        var tls = io.helidon.common.tls.Tls.builder().privateKey(serverKey.getPrivate())
                .privateKeyCertChain(List.of(server)).build();
        try (TlogServer log = TlogServer.start(TlogServer.Config.defaults(tmp.resolve("log")).withHostname(TestLog.HOST)
                .withApi(TlogServer.Api.REKOR_V1).withTls(tls), null)) {
            Path caPem = tmp.resolve("ca.pem");
            Files.writeString(caPem, PublicKeyMaterial.pem("CERTIFICATE", ca.getEncoded()));
            Path key = tmp.resolve("log.pub");
            Files.writeString(key, PublicKeyMaterial.pem("PUBLIC KEY", log.publicKey().getEncoded()));
            Path allow = tmp.resolve("allow.yaml");
            Files.writeString(allow, "identities: []\n");
            String url = "https://127.0.0.1:" + log.port();
            StringWriter err = new StringWriter();
            assertEquals(0, run(err, "audit", "--log-url", url, "--log-key", key.toString(), "--log-name", TestLog.HOST,
                    "--ca-cert", caPem.toString(), "--allowlist", allow.toString()), err.toString());
            StringWriter refused = new StringWriter();
            assertEquals(MonitorCli.UNREACHABLE, run(refused, "audit", "--log-url", url, "--log-key", key.toString(),
                    "--log-name", TestLog.HOST, "--allowlist", allow.toString()));
            assertTrue(refused.toString().contains("cannot reach the log"), refused.toString());
        }
    }
}
