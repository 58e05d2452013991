package dev.sigstack.tuf;

import dev.sigstack.core.logging.Logs;
import dev.sigstack.core.archive.HostileArchiveException;
import dev.sigstack.core.archive.TarGz;
import dev.sigstack.core.tuf.MirrorFs;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import dev.sigstack.core.tuf.TufException;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code tuf-repo-builder} command line. */
@Command(
    name = "tuf-repo-builder",
    mixinStandardHelpOptions = true,
    version = "tuf-repo-builder 0.1.0",
    description = "Builds, signs, verifies, packages and serves the site's TUF repository.",
    subcommands = {
      TufRepoBuilderCli.Init.class,
      TufRepoBuilderCli.Targets.class,
      TufRepoBuilderCli.RotateRoot.class,
      TufRepoBuilderCli.Refresh.class,
      TufRepoBuilderCli.Verify.class,
      TufRepoBuilderCli.PackageCmd.class,
      TufRepoBuilderCli.Serve.class,
      TufRepoBuilderCli.DevStackCmd.class
    })
public final class TufRepoBuilderCli {

  /** Exit code for a repository that fails verification or is refused. */
  public static final int EXIT_REFUSED = 1;

  public static void main(String[] args) {
    Logs.configure();
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given output streams and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new TufRepoBuilderCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parse) -> {
      cmd.getErr().println("error: " + message(e));
      return e instanceof TufException || e instanceof Packager.RefusedException
          || e instanceof HostileArchiveException ? EXIT_REFUSED : 2;
    });
    return cl.execute(args);
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    if (e instanceof TufException) {
      return e.getClass().getSimpleName() + ": " + m;
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return m + ": no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return m + ": permission denied";
    }
    return m == null ? e.toString() : m;
  }

  static Duration duration(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 'd' -> Duration.ofDays(n);
        case 'h' -> Duration.ofHours(n);
        case 'm' -> Duration.ofMinutes(n);
        default -> throw new IllegalArgumentException();
      };
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException("'" + s + "' is not a duration like 365d, 12h or P7D");
    }
  }

  /** Options every command that signs shares. */
  static final class SignOptions {
    @Option(names = "--key", paramLabel = "REF",
        description = "A signing key: a private key PEM file or pkcs11:CONFIG#ALIAS (PIN in $" + Keys.PIN_ENV + "). Repeatable; matched to roles by key ID.")
    List<String> keys = new ArrayList<>();

    @Option(names = "--root-expires", defaultValue = "365d", paramLabel = "DURATION") String rootExpires;
    @Option(names = "--targets-expires", defaultValue = "365d", paramLabel = "DURATION") String targetsExpires;
    @Option(names = "--snapshot-expires", defaultValue = "21d", paramLabel = "DURATION") String snapshotExpires;
    @Option(names = "--timestamp-expires", defaultValue = "7d", paramLabel = "DURATION") String timestampExpires;

    @Option(names = "--time", paramLabel = "RFC3339", description = "Sign as of this time instead of now (testing, reproducible builds).")
    String time;

    Expiries expiries() {
      return new Expiries(duration(rootExpires), duration(targetsExpires), duration(snapshotExpires),
          duration(timestampExpires));
    }

    Instant now() {
      return parseTime(time);
    }

    List<TufSigner> signers() throws IOException, GeneralSecurityException {
      List<TufSigner> out = new ArrayList<>();
      for (String k : keys) {
        out.add(Keys.signer(k));
      }
      return out;
    }
  }

  static Instant parseTime(String time) {
    if (time == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--time " + time + " is not an RFC 3339 UTC time");
    }
  }

  /** Role key definitions: private keys (also sign), public keys, threshold per role. */
  static final class RoleOptions {
    @Option(names = "--root-key", paramLabel = "REF", description = "A root key (private; also signs).") List<String> rootKey = new ArrayList<>();
    @Option(names = "--root-pub", paramLabel = "PEM", description = "A root public key (offline key not signing now).") List<String> rootPub = new ArrayList<>();
    @Option(names = "--root-threshold", paramLabel = "M") Integer rootThreshold;
    @Option(names = "--targets-key", paramLabel = "REF") List<String> targetsKey = new ArrayList<>();
    @Option(names = "--targets-pub", paramLabel = "PEM") List<String> targetsPub = new ArrayList<>();
    @Option(names = "--targets-threshold", paramLabel = "M") Integer targetsThreshold;
    @Option(names = "--snapshot-key", paramLabel = "REF") List<String> snapshotKey = new ArrayList<>();
    @Option(names = "--snapshot-pub", paramLabel = "PEM") List<String> snapshotPub = new ArrayList<>();
    @Option(names = "--snapshot-threshold", paramLabel = "M") Integer snapshotThreshold;
    @Option(names = "--timestamp-key", paramLabel = "REF") List<String> timestampKey = new ArrayList<>();
    @Option(names = "--timestamp-pub", paramLabel = "PEM") List<String> timestampPub = new ArrayList<>();
    @Option(names = "--timestamp-threshold", paramLabel = "M") Integer timestampThreshold;

    /** Role specs; a role with no keys given keeps {@code current}'s (or fails when null). */
    Map<String, RoleSpec> roles(TufRepository current, List<TufSigner> signers) throws IOException, GeneralSecurityException {
      Map<String, RoleSpec> out = new LinkedHashMap<>();
      out.put("root", role("root", rootKey, rootPub, rootThreshold, current, signers));
      out.put("targets", role("targets", targetsKey, targetsPub, targetsThreshold, current, signers));
      out.put("snapshot", role("snapshot", snapshotKey, snapshotPub, snapshotThreshold, current, signers));
      out.put("timestamp", role("timestamp", timestampKey, timestampPub, timestampThreshold, current, signers));
      return out;
    }

    private static RoleSpec role(String role, List<String> priv, List<String> pub, Integer threshold,
        TufRepository current, List<TufSigner> signers) throws IOException, GeneralSecurityException {
      if (priv.isEmpty() && pub.isEmpty()) {
        if (current == null) {
          throw new IllegalArgumentException("give --" + role + "-key or --" + role + "-pub");
        }
        RoleSpec cur = current.role(role);
        return threshold == null ? cur : new RoleSpec(cur.keys(), threshold);
      }
      LinkedHashSet<TufKey> keys = new LinkedHashSet<>();
      for (String p : priv) {
        TufSigner s = Keys.signer(p);
        signers.add(s);
        keys.add(s.key());
      }
      for (String p : pub) {
        keys.add(Keys.publicKey(p));
      }
      return new RoleSpec(List.copyOf(keys), threshold == null ? 1 : threshold);
    }
  }

  /** Targets to add: from a stack description and NAME=FILE pairs. */
  static final class TargetOptions {
    @Option(names = "--stack", paramLabel = "FILE", description = "Stack description (YAML/JSON): builds trusted_root.json, signing_config.v0.2.json and the legacy key/certificate targets.")
    Path stack;

    @Option(names = "--target", paramLabel = "NAME=FILE", description = "An extra target file. Repeatable.")
    Map<String, Path> files = new LinkedHashMap<>();

    Map<String, Target> targets(Instant now) throws IOException {
      Map<String, Target> out = new LinkedHashMap<>();
      if (stack != null) {
        out.putAll(StackTargets.of(StackFile.read(stack), now));
      }
      for (var e : files.entrySet()) {
        out.put(e.getKey(), new Target(Files.readAllBytes(e.getValue()), null));
      }
      return out;
    }
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create a repository: m-of-n root, targets, online snapshot and timestamp keys, version 1 of each role.")
  static final class Init implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR") Path repo;
    @Mixin RoleOptions roles;
    @Mixin TargetOptions targetOpts;
    @Mixin SignOptions sign;
    @Mixin PackageAfter packageAfter;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<TufSigner> signers = sign.signers();
      Map<String, RoleSpec> roleSpecs = roles.roles(null, signers);
      Instant now = sign.now();
      TufRepository r = TufRepository.init(repo, roleSpecs, targetOpts.targets(now), signers, sign.expiries(), now);
      spec.commandLine().getOut().printf("initialized %s: root v1 (%d of %d keys), %d target(s)%n", repo,
          roleSpecs.get("root").threshold(), roleSpecs.get("root").keys().size(), r.targetContents().size());
      packageAfter.run(r, now, spec);
      return 0;
    }
  }

  @Command(name = "targets", aliases = "add-target", mixinStandardHelpOptions = true,
      description = "Add or replace targets (from --stack and --target), remove others, and re-sign targets, snapshot and timestamp.")
  static final class Targets implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR") Path repo;
    @Option(names = "--remove", paramLabel = "NAME") List<String> remove = new ArrayList<>();
    @Option(names = "--resign", description = "Re-sign the targets as they are (fresh expiry), even with nothing to add or remove.")
    boolean resign;
    @Mixin TargetOptions targetOpts;
    @Mixin SignOptions sign;
    @Mixin PackageAfter packageAfter;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      TufRepository r = TufRepository.open(repo);
      Instant now = sign.now();
      Map<String, Target> put = targetOpts.targets(now);
      if (put.isEmpty() && remove.isEmpty() && !resign) {
        throw new IllegalArgumentException("nothing to do: give --stack, --target, --remove or --resign");
      }
      r.putTargets(put, new LinkedHashSet<>(remove), sign.signers(), sign.expiries(), now);
      spec.commandLine().getOut().printf("targets v%d: %d target(s); snapshot v%d; timestamp v%d%n",
          r.current().get("targets").version(), r.targetContents().size(), r.current().get("snapshot").version(),
          r.current().get("timestamp").version());
      packageAfter.run(r, now, spec);
      return 0;
    }
  }

  @Command(name = "rotate-root", mixinStandardHelpOptions = true,
      description = "Write N+1.root.json with new keys, signed by a threshold of the old root keys and of the new ones (give both with --key / --root-key).")
  static final class RotateRoot implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR") Path repo;
    @Mixin RoleOptions roles;
    @Mixin SignOptions sign;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      TufRepository r = TufRepository.open(repo);
      List<TufSigner> signers = sign.signers();
      Map<String, RoleSpec> roleSpecs = roles.roles(r, signers);
      r.rotateRoot(roleSpecs, signers, sign.expiries(), sign.now());
      spec.commandLine().getOut().printf("root v%d written (%d of %d keys)%n", r.current().get("root").version(),
          roleSpecs.get("root").threshold(), roleSpecs.get("root").keys().size());
      return 0;
    }
  }

  @Command(name = "refresh", mixinStandardHelpOptions = true,
      description = "Re-sign snapshot and timestamp (online keys) with fresh expiry; --timestamp-only re-signs just the timestamp.")
  static final class Refresh implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR") Path repo;
    @Option(names = "--timestamp-only") boolean timestampOnly;
    @Option(names = "--if-expiring-within", paramLabel = "DURATION",
        description = "Only re-sign when snapshot or timestamp expires within this window (for cron), e.g. 2d.")
    String ifExpiringWithin;
    @Mixin SignOptions sign;
    @Mixin PackageAfter packageAfter;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      TufRepository r = TufRepository.open(repo);
      if (ifExpiringWithin != null) {
        Instant limit = sign.now().plus(duration(ifExpiringWithin));
        boolean due = r.current().get("timestamp").expires().isBefore(limit)
            || (!timestampOnly && r.current().get("snapshot").expires().isBefore(limit));
        if (!due) {
          spec.commandLine().getOut().printf("nothing to do: snapshot expires %s, timestamp expires %s%n",
              r.current().get("snapshot").expires(), r.current().get("timestamp").expires());
          return 0;
        }
      }
      if (timestampOnly) {
        r.refreshTimestamp(sign.signers(), sign.expiries(), sign.now());
      } else {
        r.refresh(sign.signers(), sign.expiries(), sign.now());
      }
      spec.commandLine().getOut().printf("snapshot v%d expires %s; timestamp v%d expires %s%n",
          r.current().get("snapshot").version(), r.current().get("snapshot").expires(),
          r.current().get("timestamp").version(), r.current().get("timestamp").expires());
      packageAfter.run(r, sign.now(), spec);
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Walk the repository as a TUF client would from a trusted root: root chain, timestamp, snapshot, targets, every target file.")
  static final class Verify implements Callable<Integer> {
    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1") Source source;

    static final class Source {
      @Option(names = "--repo", paramLabel = "DIR") Path repo;
      @Option(names = "--mirror-fs", paramLabel = "TAR.GZ") Path mirrorFs;
      @Option(names = "--url", paramLabel = "URL") URI url;
    }

    @Option(names = "--trusted-root", paramLabel = "FILE", description = "Trusted root metadata (default: DIR/1.root.json with --repo).")
    Path trustedRoot;

    @Option(names = "--trusted-timestamp", paramLabel = "FILE", description = "Timestamp a client already trusts (rollback check).")
    Path trustedTimestamp;

    @Option(names = "--trusted-snapshot", paramLabel = "FILE", description = "Snapshot a client already trusts (rollback check).")
    Path trustedSnapshot;

    @Option(names = "--time", paramLabel = "RFC3339") String time;
    @Option(names = "--warn-days", defaultValue = "3", description = "Warn about metadata that expires within this many days (default ${DEFAULT-VALUE}).") int warnDays;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      RepositorySource src;
      Path rootFile = trustedRoot;
      if (source.repo != null) {
        src = RepositorySource.directory(source.repo);
        rootFile = rootFile == null ? source.repo.resolve("1.root.json") : rootFile;
      } else if (source.mirrorFs != null) {
        try (InputStream in = Files.newInputStream(source.mirrorFs)) {
          src = MirrorFs.source(in, TarGz.Limits.DEFAULT);
        }
      } else {
        src = RepositorySource.http(source.url);
      }
      if (rootFile == null) {
        throw new IllegalArgumentException("--trusted-root is required with --mirror-fs and --url");
      }
      Instant now = parseTime(time);
      var out = spec.commandLine().getOut();
      var err = spec.commandLine().getErr();
      TufClient.Builder builder = TufClient.builder(Files.readAllBytes(rootFile), src).time(now);
      if (trustedTimestamp != null) {
        builder.trustedTimestamp(Files.readAllBytes(trustedTimestamp));
      }
      if (trustedSnapshot != null) {
        builder.trustedSnapshot(Files.readAllBytes(trustedSnapshot));
      }
      TufClient client;
      try {
        client = builder.build();
      } catch (TufException e) {
        err.println("error: trusted root: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return EXIT_REFUSED;
      }
      TufClient.Trusted t;
      try {
        t = client.refresh();
      } catch (TufException e) {
        err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return EXIT_REFUSED;
      }
      int errors = 0;
      if (source.repo != null) {
        long newest = newestRoot(source.repo);
        if (newest > t.root().version()) {
          errors++;
          err.printf("error: root chain stops at version %d but %d.root.json is published (%d.root.json missing?)%n",
              t.root().version(), newest, t.root().version() + 1);
        }
      }
      var targets = client.targets();
      for (String name : targets.keySet()) {
        try {
          client.target(name);
        } catch (TufException e) {
          errors++;
          err.println("error: target " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      }
      for (var m : List.of(t.root(), t.timestamp(), t.snapshot(), t.targets())) {
        if (m.expires().isBefore(now.plus(Duration.ofDays(warnDays)))) {
          err.printf("warning: %s v%d expires at %s, within %d day(s)%n", m.type(), m.version(), m.expires(), warnDays);
        }
      }
      if (errors > 0) {
        return EXIT_REFUSED;
      }
      out.printf("ok: root v%d (walked %d version(s)), timestamp v%d, snapshot v%d, targets v%d, %d target(s) verified%n",
          t.root().version(), t.rootChain().size(), t.timestamp().version(), t.snapshot().version(),
          t.targets().version(), targets.size());
      return 0;
    }
  }

  static long newestRoot(Path dir) throws IOException {
    long max = 0;
    try (var files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        var m = java.util.regex.Pattern.compile("(\\d+)\\.root\\.json").matcher(p.getFileName().toString());
        if (m.matches()) {
          max = Math.max(max, Long.parseLong(m.group(1)));
        }
      }
    }
    return max;
  }

  @Command(name = "package", mixinStandardHelpOptions = true,
      description = "Write mirrorFS.tar.gz, root.json and policy-controller TrustRoot YAML (repository and remote forms). Refuses expired metadata.")
  static final class PackageCmd implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR") Path repo;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--name", defaultValue = "sigstack", description = "TrustRoot metadata.name (default ${DEFAULT-VALUE}).") String name;
    @Option(names = "--mirror", defaultValue = "http://tuf-repo.sigstack.svc", description = "Mirror URL for the remote form (default ${DEFAULT-VALUE}).") URI mirror;
    @Option(names = "--root-version", defaultValue = "1", description = "Which N.root.json is the initial root (default ${DEFAULT-VALUE}).") long rootVersion;
    @Option(names = "--warn-days", defaultValue = "14", description = "Warn about metadata that expires within this many days (default ${DEFAULT-VALUE}).") int warnDays;
    @Option(names = "--time", paramLabel = "RFC3339") String time;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      writePackage(TufRepository.open(repo), out, name, rootVersion, mirror, warnDays, parseTime(time), spec);
      return 0;
    }
  }

  static void writePackage(TufRepository r, Path out, String name, long rootVersion, URI mirror, int warnDays,
      Instant now, CommandLine.Model.CommandSpec spec) throws IOException, Packager.RefusedException {
    Packager.Package p = Packager.build(r, name, rootVersion, mirror, Duration.ofDays(warnDays), now);
    Files.createDirectories(out);
    Files.write(out.resolve("mirrorFS.tar.gz"), p.mirrorFs());
    Files.write(out.resolve("root.json"), p.initialRoot());
    Files.writeString(out.resolve("trustroot-repository.yaml"), p.repositoryYaml(), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("trustroot-remote.yaml"), p.remoteYaml(), StandardCharsets.UTF_8);
    p.warnings().forEach(spec.commandLine().getErr()::println);
    spec.commandLine().getOut().printf("wrote %s: mirrorFS.tar.gz (%d bytes), root.json, trustroot-repository.yaml, trustroot-remote.yaml%n",
        out, p.mirrorFs().length);
  }

  /** {@code --package-out}: package right after the change, in the same JVM. */
  static final class PackageAfter {
    @Option(names = "--package-out", paramLabel = "DIR",
        description = "After signing, package into DIR as the package command does (name sigstack, initial root 1, default mirror).")
    Path out;

    void run(TufRepository r, Instant now, CommandLine.Model.CommandSpec spec) throws IOException, Packager.RefusedException {
      if (out != null) {
        writePackage(r, out, "sigstack", 1, URI.create("http://tuf-repo.sigstack.svc"), 14, now, spec);
      }
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the repository as static files over HTTP.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--repo", required = true, paramLabel = "DIR") Path repo;
    @Option(names = "--port", defaultValue = "8080") int port;
    @Option(names = "--bind", defaultValue = "0.0.0.0") String bind;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (TufRepoServer s = TufRepoServer.start(repo, new InetSocketAddress(bind, port))) {
        spec.commandLine().getOut().printf("serving %s at http://%s:%d/%n", repo, bind, s.port());
        new CountDownLatch(1).await();
      }
      return 0;
    }
  }

  @Command(name = "dev-stack", mixinStandardHelpOptions = true,
      description = "Write throw-away development keys (3 root, targets, snapshot, timestamp; ECDSA P-256, plus one Ed25519) and a stack description with a self-made PKI. Never for production.")
  static final class DevStackCmd implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8080") String baseUrl;
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      DevStack.DevFiles f = DevStack.write(out, baseUrl, Instant.now());
      spec.commandLine().getOut().printf("wrote development keys and %s%n", f.stackFile());
      return 0;
    }
  }
}
