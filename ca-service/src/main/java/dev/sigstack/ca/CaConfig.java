package dev.sigstack.ca;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

import dev.sigstack.ca.ct.CtLogClient;

/**
 * What a CA instance needs. Build with {@link #builder(Path)}.
 *
 * @param dataDir          holds the CA keys ({@code ca/}), TSA keys ({@code tsa/}) and generated TLS material
 * @param host             address to bind
 * @param httpPort         REST port; 0 picks a free one
 * @param grpcPort         gRPC (TLS) port; 0 picks a free one, -1 disables gRPC
 * @param grpcKeystore     PKCS#12 keystore with the gRPC TLS key and certificate; null generates a self-signed one
 * @param grpcKeystorePassword its password
 * @param identityConfig   Fulcio identity config file (YAML or JSON); null for none
 * @param devIssuer        serve and trust the built-in development OIDC issuer at {@code /dev-oidc}
 * @param ctLogUrl         base URL of the RFC 6962 log ({@code /ct/v1/...} below it)
 * @param ctLogClient      alternatively, a client to use instead of HTTP (in-process tests); wins over the URL
 * @param keyPassword      password of the encrypted PEM keys; null reads {@code SIGSTACK_CA_KEY_PASSWORD} or a
 *                         generated {@code dataDir/key-password} file
 * @param pkcs11           the CA key in a PKCS#11 token instead of a PEM file; null for PEM
 * @param organization     O= of generated CA certificates
 * @param caCurve          curve of a CA generated on first start: {@code secp384r1} (default, as Fulcio's public
 *                         instance) or {@code secp256r1} (several times faster to sign on the JDK)
 */
public record CaConfig(Path dataDir, String host, int httpPort, int grpcPort, Path grpcKeystore, char[] grpcKeystorePassword,
                       Path identityConfig, boolean devIssuer, URI ctLogUrl, CtLogClient ctLogClient, char[] keyPassword,
                       Pkcs11Config pkcs11, String organization, String caCurve) {

    /** A CA key in a PKCS#11 token via the JDK's SunPKCS11 provider. */
    public record Pkcs11Config(Path providerConfig, char[] pin, String keyAlias) {
        public Pkcs11Config {
            Objects.requireNonNull(providerConfig, "providerConfig");
            Objects.requireNonNull(keyAlias, "keyAlias");
        }

        @Override
        public String toString() {
            return "Pkcs11Config[" + providerConfig + ", alias=" + keyAlias + "]";
        }
    }

    public CaConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        host = host == null ? "127.0.0.1" : host;
        organization = organization == null ? "sigstack" : organization;
        caCurve = caCurve == null ? "secp384r1" : caCurve;
        if (ctLogUrl == null && ctLogClient == null) {
            throw new IllegalArgumentException("a CT log URL (or client) is required: the CA embeds SCTs");
        }
    }

    @Override
    public String toString() {
        return "CaConfig[dataDir=" + dataDir + ", host=" + host + ", httpPort=" + httpPort + ", grpcPort=" + grpcPort
            + ", identityConfig=" + identityConfig + ", devIssuer=" + devIssuer + ", ctLogUrl=" + ctLogUrl + ", pkcs11=" + pkcs11 + "]";
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Builder with defaults: loopback, ephemeral ports, gRPC on, no dev issuer. */
    public static final class Builder {
        private final Path dataDir;
        private String host = "127.0.0.1";
        private int httpPort;
        private int grpcPort;
        private Path grpcKeystore;
        private char[] grpcKeystorePassword;
        private Path identityConfig;
        private boolean devIssuer;
        private URI ctLogUrl;
        private CtLogClient ctLogClient;
        private char[] keyPassword;
        private Pkcs11Config pkcs11;
        private String organization = "sigstack";
        private String caCurve = "secp384r1";

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder httpPort(int v) { httpPort = v; return this; }
        public Builder grpcPort(int v) { grpcPort = v; return this; }
        public Builder grpcKeystore(Path v, char[] password) { grpcKeystore = v; grpcKeystorePassword = password; return this; }
        public Builder identityConfig(Path v) { identityConfig = v; return this; }
        public Builder devIssuer(boolean v) { devIssuer = v; return this; }
        public Builder ctLogUrl(URI v) { ctLogUrl = v; return this; }
        public Builder ctLogClient(CtLogClient v) { ctLogClient = v; return this; }
        public Builder keyPassword(char[] v) { keyPassword = v; return this; }
        public Builder pkcs11(Pkcs11Config v) { pkcs11 = v; return this; }
        public Builder organization(String v) { organization = v; return this; }
        public Builder caCurve(String v) { caCurve = v; return this; }

        public CaConfig build() {
            return new CaConfig(dataDir, host, httpPort, grpcPort, grpcKeystore, grpcKeystorePassword, identityConfig, devIssuer,
                ctLogUrl, ctLogClient, keyPassword, pkcs11, organization, caCurve);
        }
    }
}
