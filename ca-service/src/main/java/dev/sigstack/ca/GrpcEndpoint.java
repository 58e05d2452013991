package dev.sigstack.ca;

import dev.sigstack.core.pem.Pem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;


import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcRouting;

import dev.sigstack.ca.identity.IdentityConfig;
import dev.sigstack.core.secrets.SecretFiles;
import dev.sigstack.core.tls.ServingCertificates;

/**
 * gRPC {@code dev.sigstore.fulcio.v2.CA} and {@code grpc.health.v1.Health} (SERVING, as Fulcio's) over TLS on its own
 * port (Helidon's gRPC server, HTTP/2). Without a configured keystore a self-signed certificate for the bind host,
 * {@code localhost} and {@code 127.0.0.1} is made in {@code dataDir/tls/grpc.p12}; clients must trust
 * {@link #certificate()}.
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
        char[] pw = keystorePassword(config);
        KeyStore ks = keystore(config, pw);
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
            .addRouting(GrpcRouting.builder().service(ServerInterceptors.intercept(new CaGrpcService(signing, chains, identity),
                CaGrpcService.TOKEN_METADATA)).service(new HealthStatusManager().getHealthService()))
            .build()
            .start();
        if (!server.isRunning()) { // Helidon logs a bind failure and returns a stopped server
            throw new IllegalStateException("CA gRPC cannot listen on " + config.host() + ":" + config.grpcPort()
                + " (address in use?)");
        }
        return new GrpcEndpoint(server, chain.getFirst());
    }

    /** The configured keystore's password, or the generated keystore's random one (made on first start). */
    static char[] keystorePassword(CaConfig config) throws IOException {
        return config.grpcKeystore() != null ? config.grpcKeystorePassword()
            : SecretFiles.password(config.dataDir().resolve("tls/grpc.p12.password"));
    }

    /**
     * The configured keystore, or the generated one under the data folder: its password is random, made on first
     * start and kept owner-only beside it (never a fixed password); the keystore file is written owner-only too.
     */
    static KeyStore keystore(CaConfig config, char[] pw) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        if (config.grpcKeystore() != null) {
            try (InputStream in = Files.newInputStream(config.grpcKeystore())) {
                ks.load(in, config.grpcKeystorePassword());
            }
            return ks;
        }
        Path file = config.dataDir().resolve("tls/grpc.p12");
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, pw);
                return ks;
            } catch (IOException e) {
                // a keystore from before the random password (fixed "sigstack"): made again below, with a new key
            }
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        X509Certificate cert = ServingCertificates.selfSigned(kp, "sigstack-ca-grpc", config.host(), Duration.ofDays(825));
        ks.load(null, null);
        ks.setKeyEntry("grpc", kp.getPrivate(), pw, new Certificate[] {cert});
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ks.store(out, pw);
        SecretFiles.write(file, out.toByteArray());
        Files.writeString(file.resolveSibling("grpc.crt.pem"), Pem.certificate(cert));
        return ks;
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
