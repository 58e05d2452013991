package dev.sigstack.airgap;

import dev.sigstack.core.logging.Logs;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import dev.sigstack.tuf.DevStack;
import dev.sigstack.tuf.Keys;
import dev.sigstack.tuf.Packager;
import dev.sigstack.tuf.TufRepository;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code airgap-bundle export | verify | import | keygen}. */
@Command(name = "airgap-bundle", mixinStandardHelpOptions = true, version = "airgap-bundle 0.1.0",
    description = "Export, verify and import the signed bundle that carries a site's trust material, policies and "
        + "Helm values into an air-gapped network.",
    subcommands = {AirgapCli.Export.class, AirgapCli.Verify.class, AirgapCli.Import.class, AirgapCli.Keygen.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:ok",
        "1:unexpected error (I/O, bug)",
        "2:bad command line or settings",
        "3:manifest signature does not verify, or another key signed it",
        "4:a file is tampered with, missing or extra; manifest malformed",
        "5:hostile bundle: path traversal, link, special file, oversized or malformed archive",
        "6:TUF metadata expired or does not verify",
        "7:import destination exists and is not empty"})
public final class AirgapCli {

  private AirgapCli() {}

  public static void main(String[] args) {
    Logs.configure();
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new AirgapCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter w = cmd.getErr();
      if (e instanceof BundleRefusedException r) {
        w.println("refused (" + r.reason() + "):");
        r.problems().forEach(p -> w.println("  " + p));
        w.println("nothing was written.");
        return r.reason().exitCode();
      }
      if (e instanceof Packager.RefusedException) {
        w.println("refused (TUF): " + e.getMessage());
        return ExitCodes.TUF;
      }
      if (e instanceof IllegalArgumentException || e instanceof DateTimeParseException) {
        w.println("error: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      w.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return ExitCodes.ERROR;
    });
    return cl.execute(args);
  }

  static Instant parseTime(String time) {
    return time == null ? Instant.now() : Instant.parse(time);
  }

  /** Options shared by verify and import. */
  static final class VerifyOptions {
    @Option(names = "--key", required = true, paramLabel = "PEM",
        description = "The bundle signing public key, received out of band.")
    Path key;

    @Option(names = "--tuf-root", paramLabel = "FILE",
        description = "A TUF root the site already trusts; the bundle's root chain must continue from it.")
    Path tufRoot;

    @Option(names = "--time", paramLabel = "RFC3339", description = "Check TUF expiry at this time (default now).")
    String time;

    @Option(names = "--warn-days", defaultValue = "7",
        description = "Warn about TUF metadata expiring within this many days (default ${DEFAULT-VALUE}).")
    int warnDays;

    @Option(names = "--max-file-bytes", defaultValue = "67108864", description = "Largest file (default ${DEFAULT-VALUE}).")
    long maxFileBytes;

    @Option(names = "--max-total-bytes", defaultValue = "536870912", description = "Most bytes in all (default ${DEFAULT-VALUE}).")
    long maxTotalBytes;

    @Option(names = "--max-files", defaultValue = "20000", description = "Most files (default ${DEFAULT-VALUE}).")
    int maxFiles;

    Verifier.Options options() throws Exception {
      TufKey k = Keys.publicKey(key.toString());
      return new Verifier.Options(k, parseTime(time), new TarGz.Limits(maxFileBytes, maxTotalBytes, maxFiles),
          tufRoot == null ? null : Files.readAllBytes(tufRoot), Duration.ofDays(warnDays));
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write a signed bundle (directory, or tarball when OUT ends in .tar.gz/.tgz) from the site's TUF "
          + "repository and site.yaml. Refuses expired or unverifiable TUF metadata.")
  static final class Export implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "The TUF repository (tuf-repo-builder).")
    Path repo;

    @Option(names = "--site", required = true, paramLabel = "YAML", description = "Site settings (see the README).")
    Path site;

    @Option(names = "--key", required = true, paramLabel = "REF",
        description = "Bundle signing key: a PEM private key or pkcs11:CONFIG#ALIAS (PIN in SIGSTACK_PKCS11_PIN).")
    String key;

    @Option(names = "--out", required = true, paramLabel = "PATH") Path out;

    @Option(names = "--tls-trust-bundle", paramLabel = "PEM",
        description = "CA certificates the CI needs to reach the services over TLS.")
    Path tlsTrustBundle;

    @Option(names = "--charts", paramLabel = "DIR",
        description = "The Helm charts folder (the project's helm/) to carry in the bundle under helm/charts/.")
    Path charts;

    @Option(names = "--root-version", defaultValue = "1",
        description = "Which N.root.json clients start from (default ${DEFAULT-VALUE}).")
    long rootVersion;

    @Option(names = "--time", paramLabel = "RFC3339") String time;

    @Option(names = "--warn-days", defaultValue = "7") int warnDays;

    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Site s = Site.read(site);
      TufSigner signer = Keys.signer(key);
      TufRepository r = TufRepository.open(repo);
      Exporter.Result result = Exporter.build(r, rootVersion, s,
          tlsTrustBundle == null ? null : Files.readAllBytes(tlsTrustBundle), charts, signer, Duration.ofDays(warnDays),
          parseTime(time), Progress.to(err));
      result.warnings().forEach(err::println);
      Exporter.write(result, out);
      spec.commandLine().getOut().printf("wrote %s: %d files, manifest signed by sha256:%s%n", out,
          result.manifest().files().size(), result.manifest().signingKeySha256());
      return ExitCodes.OK;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check the manifest signature, every file's SHA-256, no missing or extra file, and the TUF "
          + "metadata (signatures and expiry). Writes nothing.")
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle directory or tarball.") Path bundle;
    @Mixin VerifyOptions opts;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Verifier.Verified v = Verifier.verify(bundle, opts.options(), Progress.to(err));
      v.warnings().forEach(err::println);
      spec.commandLine().getOut().println(v.summary());
      return ExitCodes.OK;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Verify a bundle completely, then write it into a new directory (atomically; nothing is written "
          + "when verification fails). DIR/kubernetes holds the manifests for kubectl apply.")
  static final class Import implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BUNDLE") Path bundle;
    @Option(names = "--into", required = true, paramLabel = "DIR",
        description = "Destination: absent or an empty directory.") Path into;
    @Mixin VerifyOptions opts;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      Verifier.Verified v = Importer.importBundle(bundle, into, opts.options(), Progress.to(err));
      v.warnings().forEach(err::println);
      PrintWriter out = spec.commandLine().getOut();
      out.println(v.summary());
      out.printf("imported into %s; next: kubectl apply -f %s -f %s%n", into,
          into.resolve(Exporter.TRUSTROOT), into.resolve("kubernetes/stage1-warn"));
      return ExitCodes.OK;
    }
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = "Write a new bundle signing key pair (ECDSA P-256): bundle-signing.key (keep it on the export "
          + "side) and bundle-signing.pub (carry it to the air-gapped side out of band).")
  static final class Keygen implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Files.createDirectories(out);
      Path priv = out.resolve("bundle-signing.key");
      Path pub = out.resolve("bundle-signing.pub");
      if (Files.exists(priv) || Files.exists(pub)) {
        throw new IllegalArgumentException(out + " already holds a bundle signing key; refusing to overwrite it");
      }
      KeyPair kp = DevStack.ec();
      DevStack.pemPrivate(priv, kp.getPrivate());
      Files.writeString(pub, "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(kp.getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n", StandardCharsets.US_ASCII);
      spec.commandLine().getOut().printf("wrote %s and %s (sha256:%s)%n", priv, pub,
          ManifestSignature.fingerprint(kp.getPublic()));
      return ExitCodes.OK;
    }
  }

}
