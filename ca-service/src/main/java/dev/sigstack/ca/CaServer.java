package dev.sigstack.ca;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import dev.sigstack.ca.ct.CtLogClient;
import dev.sigstack.ca.ct.HttpCtLogClient;
import dev.sigstack.ca.devissuer.DevIssuer;
import dev.sigstack.ca.devissuer.DevIssuerService;
import dev.sigstack.ca.http.SigningCertService;
import dev.sigstack.ca.http.TimestampService;
import dev.sigstack.ca.http.TrustBundleService;
import dev.sigstack.ca.identity.IdentityConfig;
import dev.sigstack.ca.identity.InvalidIdentityConfigException;
import dev.sigstack.ca.identity.IssuerType;
import dev.sigstack.ca.identity.OidcIssuer;
import dev.sigstack.ca.identity.Principals;
import dev.sigstack.ca.identity.TokenVerifier;
import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.issuance.CertificateIssuer;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.ca.keys.Pkcs11Keys;
import dev.sigstack.ca.tsa.TimestampAuthority;
import dev.sigstack.core.secrets.SecretFiles;

/**
 * A running CA: REST (Fulcio v1/v2, timestamp authority, health at {@code /observe/health}, optional development
 * issuer at {@code /dev-oidc}) and, unless disabled, gRPC {@code dev.sigstore.fulcio.v2.CA} over TLS.
 * Start with {@link #start(CaConfig)}; {@link #close()} stops it.
 */
public final class CaServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CaServer.class.getName());
    public static final String DEV_ISSUER_PATH = "/dev-oidc";

    private final WebServer http;
    private final GrpcEndpoint grpc;
    private final int grpcPort;
    private final String devIssuerUrl;
    private final SigningService signing;
    private final TimestampAuthority tsa;
    private final DevIssuer devIssuer;
    /** The CT client this server made (and closes), or null when the config supplied one. */
    private volatile HttpCtLogClient ownCtClient;

    private CaServer(WebServer http, GrpcEndpoint grpc, int grpcPort, String devIssuerUrl, SigningService signing,
                     TimestampAuthority tsa, DevIssuer devIssuer) {
        this.http = http;
        this.grpc = grpc;
        this.grpcPort = grpcPort;
        this.devIssuerUrl = devIssuerUrl;
        this.signing = signing;
        this.tsa = tsa;
        this.devIssuer = devIssuer;
    }

    /** Starts a CA; creates its keys in the data directory on first start. */
    public static CaServer start(CaConfig config) throws IOException, GeneralSecurityException, InvalidIdentityConfigException {
        Clock clock = Clock.systemUTC();
        Files.createDirectories(config.dataDir());
        char[] password = keyPassword(config);

        IdentityConfig identity = config.identityConfig() == null ? IdentityConfig.empty() : IdentityConfig.load(config.identityConfig());
        int port = config.httpPort() == 0 && config.devIssuer() ? freePort(config.host()) : config.httpPort();
        DevIssuer dev = null;
        String devUrl = null;
        if (config.devIssuer()) {
            devUrl = "http://" + config.host() + ":" + port + DEV_ISSUER_PATH;
            dev = new DevIssuer(devUrl, clock);
            identity = identity.with(OidcIssuer.of(devUrl, DevIssuer.AUDIENCE, IssuerType.EMAIL));
        }
        TokenVerifier verifier = new TokenVerifier(identity, clock);
        if (dev != null) {
            verifier.pinKeys(devUrl, dev.publicKeys());
        }

        Path caDir = config.dataDir().resolve("ca");
        CaSigner signer;
        if (config.pkcs11() != null) {
            signer = Pkcs11Keys.load(config.pkcs11().providerConfig(), config.pkcs11().pin(), config.pkcs11().keyAlias());
        } else if (Files.exists(caDir.resolve("chain.pem"))) {
            signer = CaKeys.load(caDir, password);
        } else {
            LOG.info("creating a new CA (root and intermediate) in " + caDir);
            signer = CaKeys.create(caDir, password, config.organization(), config.caCurve());
        }
        HttpCtLogClient ownCt = config.ctLogClient() != null ? null : new HttpCtLogClient(config.ctLogUrl());
        CtLogClient ct = ownCt != null ? ownCt : config.ctLogClient();
        CertificateIssuer issuer = new CertificateIssuer(signer, ct, clock);
        SigningService signing = new SigningService(verifier, new Principals(identity), issuer);
        TimestampAuthority tsa = TimestampAuthority.createOrLoad(config.dataDir().resolve("tsa"), password, config.organization(), clock);

        final IdentityConfig finalIdentity = identity;
        final DevIssuer finalDev = dev;
        List<X509Certificate> current = signer.chain();
        TrustBundleService bundle = new TrustBundleService(() -> {
            List<List<X509Certificate>> chains = new ArrayList<>();
            chains.add(current);
            try {
                chains.addAll(CaKeys.previousChains(caDir, clock.instant()));
            } catch (IOException | java.security.cert.CertificateException e) {
                LOG.warning("cannot read previous CA chains: " + e.getMessage());
            }
            return chains;
        }, finalIdentity);
        WebServer web = WebServer.builder()
            .host(config.host())
            .port(port)
            .maxPayloadSize(SigningCertService.MAX_BODY_BYTES) // counted over chunked bodies too
            .directHandlers(SigningCertService.tooLargeHandlers())
            .addFeature(ObserveFeature.builder().addObserver(HealthObserver.builder().details(true).build())
                .addObserver(MetricsObserver.create()).build())
            .routing(r -> routing(r, signing, bundle, tsa, finalDev))
            .build()
            .start();
        GrpcEndpoint grpc = null;
        try {
            if (!web.isRunning()) { // Helidon logs a bind failure and returns a stopped server
                throw new IllegalStateException("CA cannot listen on " + config.host() + ":" + port + " (address in use?)");
            }
            if (config.grpcPort() >= 0) {
                grpc = GrpcEndpoint.start(config, signing, bundle::chains, finalIdentity);
            }
        } catch (RuntimeException e) {
            web.stop();
            if (ownCt != null) {
                ownCt.close();
            }
            throw e;
        }
        int grpcPort = grpc == null ? -1 : grpc.port();
        LOG.info("CA listening on http://" + config.host() + ":" + web.port() + (grpcPort >= 0 ? ", gRPC (TLS) on " + grpcPort : ""));
        CaServer server = new CaServer(web, grpc, grpcPort, devUrl, signing, tsa, dev);
        server.ownCtClient = ownCt;
        return server;
    }

    /** The REST routes of a CA. */
    static void routing(HttpRouting.Builder r, SigningService signing, TrustBundleService bundle, TimestampAuthority tsa,
                        DevIssuer dev) {
        r.register(new SigningCertService(signing)).register(bundle).register(new TimestampService(tsa));
        if (dev != null) {
            r.register(DEV_ISSUER_PATH, new DevIssuerService(dev));
        }
    }

    public int httpPort() {
        return http.port();
    }

    /** The gRPC TLS port, or -1 when gRPC is disabled. */
    public int grpcPort() {
        return grpcPort;
    }

    /** The self-signed or configured TLS certificate of the gRPC port, or null when gRPC is disabled. */
    public X509Certificate grpcTlsCertificate() {
        return grpc == null ? null : grpc.certificate();
    }

    /** The development issuer's URL, or null when it is disabled. */
    public String devIssuerUrl() {
        return devIssuerUrl;
    }

    /** The development issuer, or null when it is disabled (for in-process launchers and tests). */
    public DevIssuer devIssuer() {
        return devIssuer;
    }

    public List<X509Certificate> chain() {
        return signing.issuer().signer().chain();
    }

    public TimestampAuthority timestampAuthority() {
        return tsa;
    }

    @Override
    public void close() {
        http.stop();
        if (grpc != null) {
            grpc.close();
        }
        if (ownCtClient != null) {
            ownCtClient.close();
        }
    }

    private static char[] keyPassword(CaConfig config) throws IOException {
        if (config.keyPassword() != null) {
            return config.keyPassword();
        }
        String env = System.getenv("SIGSTACK_CA_KEY_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env.toCharArray();
        }
        return SecretFiles.password(config.dataDir().resolve("key-password")); // random, owner-only at creation
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }
}
