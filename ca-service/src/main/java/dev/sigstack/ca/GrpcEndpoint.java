package dev.sigstack.ca;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;

import dev.sigstack.ca.identity.IdentityConfig;

/**
 * gRPC {@code dev.sigstore.fulcio.v2.CA} over TLS on its own port (Helidon's gRPC server, HTTP/2). Without a
 * configured keystore a self-signed certificate for the bind host, {@code localhost} and {@code 127.0.0.1} is made
 * in {@code dataDir/tls/grpc.p12}; clients must trust {@link #certificate()}.
 */
final class GrpcEndpoint implements AutoCloseable {
    private final WebServer server;
    private final X509Certificate certificate;

    private GrpcEndpoint(WebServer server, X509Certificate certificate) {
        this.server = server;
        this.certificate = certificate;
    }

    static GrpcEndpoint start(CaConfig config, SigningService signing, Supplier<List<List<X509Certificate>>> chains,
                              IdentityConfig identity) throws IOException, GeneralSecurityException {
        KeyStore ks = keystore(config);
        char[] pw = config.grpcKeystore() != null ? config.grpcKeystorePassword() : "sigstack".toCharArray();
        String alias = null;
        for (String a : java.util.Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(a)) {
                alias = a;
                break;
            }
        }
        if (alias == null) {
            throw new GeneralSecurityException("gRPC keystore has no key entry");
        }
        PrivateKey key = (PrivateKey) ks.getKey(alias, pw);
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : ks.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
        }
        Tls tls = Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
        WebServer server = WebServer.builder()
            .host(config.host())
            .port(config.grpcPort())
            .tls(tls)
            .addRouting(GrpcRouting.builder().service(new CaGrpcService(signing, chains, identity)))
            .build()
            .start();
        return new GrpcEndpoint(server, chain.getFirst());
    }

    private static KeyStore keystore(CaConfig config) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        if (config.grpcKeystore() != null) {
            try (InputStream in = Files.newInputStream(config.grpcKeystore())) {
                ks.load(in, config.grpcKeystorePassword());
            }
            return ks;
        }
        Path file = config.dataDir().resolve("tls/grpc.p12");
        char[] pw = "sigstack".toCharArray();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, pw);
            }
            return ks;
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X509Certificate cert = selfSigned(kp, config.host());
        ks.load(null, null);
        ks.setKeyEntry("grpc", kp.getPrivate(), pw, new Certificate[] {cert});
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, pw);
        }
        Files.writeString(file.resolveSibling("grpc.crt.pem"), Pem.certificate(cert));
        return ks;
    }

    private static X509Certificate selfSigned(KeyPair kp, String host) throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=sigstack-ca-grpc"),
                new BigInteger(64, new SecureRandom()), Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(825))),
                new X500Name("CN=sigstack-ca-grpc"), kp.getPublic());
            List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("0.0.0.0")) {
                names.add(new GeneralName(host.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, host));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot create the gRPC TLS certificate", e);
        }
    }

    int port() {
        return server.port();
    }

    /** The TLS certificate clients must trust. */
    X509Certificate certificate() {
        return certificate;
    }

    @Override
    public void close() {
        server.stop();
    }
}
