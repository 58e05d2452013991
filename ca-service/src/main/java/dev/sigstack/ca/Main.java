package dev.sigstack.ca;

import dev.sigstack.core.logging.Logs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.sigstack.ca.issuance.CaSigner;
import dev.sigstack.ca.keys.CaKeys;
import dev.sigstack.ca.keys.Pkcs11Keys;

/**
 * The CA's command line: {@code serve}, and {@code keys create|rotate|import-pkcs11}. Passwords and PINs come from
 * files or environment variables, never from arguments.
 */
@Command(name = "sigstack-ca", mixinStandardHelpOptions = true, version = "sigstack-ca 0.1.0", subcommands = {Main.Serve.class, Main.Keys.class},
    scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand too
    description = "Fulcio-compatible CA with an RFC 3161 timestamp authority")
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        Logs.configure();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    static char[] secret(Path file, String env) throws java.io.IOException {
        if (file != null) {
            return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
        }
        String v = System.getenv(env);
        return v == null || v.isEmpty() ? null : v.toCharArray();
    }

    @Command(name = "serve", description = "Run the CA (REST, gRPC over TLS, timestamp authority)")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "data directory (CA keys in ca/, TSA keys in tsa/)")
        Path data;
        @Option(names = "--host", defaultValue = "127.0.0.1")
        String host;
        @Option(names = "--port", defaultValue = "5555", description = "REST port")
        int port;
        @Option(names = "--grpc-port", defaultValue = "5554", description = "gRPC TLS port, -1 to disable")
        int grpcPort;
        @Option(names = "--grpc-keystore", description = "PKCS#12 with the gRPC TLS key (password: SIGSTACK_GRPC_KEYSTORE_PASSWORD)")
        Path grpcKeystore;
        @Option(names = "--identity-config", description = "Fulcio identity config (YAML or JSON)")
        Path identity;
        @Option(names = "--dev-issuer", description = "serve and trust the development OIDC issuer at /dev-oidc")
        boolean devIssuer;
        @Option(names = "--ct-log", required = true, description = "base URL of the CT log (its /ct/v1/ endpoints)")
        URI ctLog;
        @Option(names = "--key-password-file", description = "password of the CA key files (else SIGSTACK_CA_KEY_PASSWORD)")
        Path keyPasswordFile;
        @Option(names = "--pkcs11-config", description = "SunPKCS11 config file: the CA key is in that token")
        Path pkcs11Config;
        @Option(names = "--pkcs11-alias", defaultValue = "fulcio")
        String pkcs11Alias;
        @Option(names = "--pkcs11-pin-file", description = "token PIN (else SIGSTACK_PKCS11_PIN)")
        Path pinFile;

        @Override
        public Integer call() throws Exception {
            CaConfig.Builder b = CaConfig.builder(data).host(host).httpPort(port).grpcPort(grpcPort).identityConfig(identity)
                .devIssuer(devIssuer).ctLogUrl(ctLog).keyPassword(secret(keyPasswordFile, "SIGSTACK_CA_KEY_PASSWORD"));
            if (grpcKeystore != null) {
                b.grpcKeystore(grpcKeystore, secret(null, "SIGSTACK_GRPC_KEYSTORE_PASSWORD"));
            }
            if (pkcs11Config != null) {
                b.pkcs11(new CaConfig.Pkcs11Config(pkcs11Config, secret(pinFile, "SIGSTACK_PKCS11_PIN"), pkcs11Alias));
            }
            CaServer server = CaServer.start(b.build());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stop.countDown();
            }));
            stop.await();
            return 0;
        }
    }

    @Command(name = "keys", description = "Create, rotate or move CA keys",
        subcommands = {Keys.Create.class, Keys.Rotate.class, Keys.ImportPkcs11.class})
    static final class Keys implements Callable<Integer> {
        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 2;
        }

        abstract static class Base implements Callable<Integer> {
            @Option(names = "--dir", required = true, description = "CA directory (root.*, intermediate.*, chain.pem)")
            Path dir;
            @Option(names = "--password-file", description = "key file password (else SIGSTACK_CA_KEY_PASSWORD)")
            Path passwordFile;
            @Option(names = "--organization", defaultValue = "sigstack")
            String organization;

            char[] password() throws java.io.IOException {
                char[] p = secret(passwordFile, "SIGSTACK_CA_KEY_PASSWORD");
                if (p == null) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                        "a password is required: --password-file or SIGSTACK_CA_KEY_PASSWORD");
                }
                return p;
            }
        }

        @Command(name = "create", description = "Create a root and an intermediate (ECDSA, encrypted PEM keys)")
        static final class Create extends Base {
            @Option(names = "--curve", defaultValue = CaKeys.DEFAULT_CURVE, description = "secp384r1 (default) or secp256r1")
            String curve;

            @Override
            public Integer call() throws Exception {
                CaSigner s = CaKeys.create(dir, password(), organization, curve);
                System.out.println("created " + s.chain().getLast().getSubjectX500Principal() + " and "
                    + s.chain().getFirst().getSubjectX500Principal() + " in " + dir);
                return 0;
            }
        }

        @Command(name = "rotate", description = "Issue a new intermediate; the old chain stays in the trust bundle until it expires")
        static final class Rotate extends Base {
            @Override
            public Integer call() throws Exception {
                CaSigner s = CaKeys.rotateIntermediate(dir, password(), organization);
                System.out.println("new intermediate " + s.chain().getFirst().getSerialNumber().toString(16));
                return 0;
            }
        }

        @Command(name = "import-pkcs11", description = "Store the intermediate key and chain in a PKCS#11 token")
        static final class ImportPkcs11 extends Base {
            @Option(names = "--pkcs11-config", required = true)
            Path config;
            @Option(names = "--alias", defaultValue = "fulcio")
            String alias;
            @Option(names = "--pin-file", description = "token PIN (else SIGSTACK_PKCS11_PIN)")
            Path pinFile;

            @Override
            public Integer call() throws Exception {
                CaSigner s = CaKeys.load(dir, password());
                Pkcs11Keys.store(config, secret(pinFile, "SIGSTACK_PKCS11_PIN"), alias, s.key(), s.chain());
                System.out.println("stored the intermediate key and chain under alias " + alias);
                return 0;
            }
        }
    }
}
