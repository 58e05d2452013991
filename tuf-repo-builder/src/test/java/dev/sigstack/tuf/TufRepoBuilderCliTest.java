package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TufRepoBuilderCliTest {

  @TempDir Path tmp;
  Path keys;
  Path repo;

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = TufRepoBuilderCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(rc, out.toString(), err.toString());
  }

  String k(String name) {
    return keys.resolve(name).toString();
  }

  @BeforeEach
  void setUp() {
    keys = tmp.resolve("keys");
    repo = tmp.resolve("repository");
    assertEquals(0, cli("dev-stack", "--out", keys.toString()).exit());
  }

  private Run init(String... extra) {
    List<String> a = new ArrayList<>(List.of("init", "--repo", repo.toString(), "--root-key", k("root1.key"),
        "--root-key", k("root2.key"), "--root-pub", k("root3.key"), "--root-threshold", "2",
        "--targets-key", k("targets.key"), "--snapshot-key", k("snapshot.key"), "--timestamp-key", k("timestamp.key"),
        "--stack", keys.resolve("stack.yaml").toString()));
    a.addAll(List.of(extra));
    return cli(a.toArray(String[]::new));
  }

  @Test
  void initTargetsRotateVerifyPackage_happyPath_exitZeroAndFilesWritten() throws Exception {
    assertEquals(0, init().exit());
    Path extra = Files.writeString(tmp.resolve("notes.txt"), "hello");
    Run t = cli("add-target", "--repo", repo.toString(), "--target", "notes.txt=" + extra,
        "--key", k("targets.key"), "--key", k("snapshot.key"), "--key", k("timestamp.key"));
    assertEquals(0, t.exit(), t.err());
    assertEquals("targets v2: 7 target(s); snapshot v2; timestamp v2\n", t.out());
    Run r = cli("rotate-root", "--repo", repo.toString(), "--key", k("root1.key"), "--key", k("root2.key"),
        "--root-key", k("root3.key"), "--root-key", k("ed25519.key"), "--root-threshold", "2",
        "--key", k("snapshot.key"), "--key", k("timestamp.key"));
    assertEquals(0, r.exit(), r.err());
    Run v = cli("verify", "--repo", repo.toString());
    assertEquals(0, v.exit(), v.err());
    assertEquals("ok: root v2 (walked 2 version(s)), timestamp v3, snapshot v3, targets v2, 7 target(s) verified\n", v.out());
    Path out = tmp.resolve("out");
    Run p = cli("package", "--repo", repo.toString(), "--out", out.toString(), "--name", "site-trust");
    assertEquals(0, p.exit(), p.err());
    for (String f : List.of("mirrorFS.tar.gz", "root.json", "trustroot-repository.yaml", "trustroot-remote.yaml")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    Run m = cli("verify", "--mirror-fs", out.resolve("mirrorFS.tar.gz").toString(), "--trusted-root",
        out.resolve("root.json").toString());
    assertEquals(0, m.exit(), m.err());
    assertEquals(v.out(), m.out(), "the mirrorFS gives the same result as the folder");
  }

  @Test
  void verify_tamperedTargetAndExpiry_reportsEachErrorAndExitsOne() throws Exception {
    assertEquals(0, init().exit());
    Path target;
    try (var s = Files.list(repo.resolve("targets"))) {
      target = s.filter(p -> p.toString().endsWith(".ctfe.pub")).findFirst().orElseThrow();
    }
    Files.writeString(target, "x", java.nio.file.StandardOpenOption.APPEND);
    try (var s = Files.list(repo.resolve("targets"))) {
      Path other = s.filter(p -> p.toString().endsWith(".rekor.pub")).findFirst().orElseThrow();
      Files.delete(other);
    }
    Run v = cli("verify", "--repo", repo.toString());
    assertEquals(1, v.exit());
    List<String> errors = v.err().lines().filter(l -> l.startsWith("error:")).toList();
    assertEquals(2, errors.size(), v.err());
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("error: target ctfe.pub: LengthMismatchException:")), v.err());
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("error: target rekor.pub: FileMissingException:")), v.err());

    Run late = cli("verify", "--repo", repo.toString(), "--time", java.time.Instant.now().plus(java.time.Duration.ofDays(8)).toString());
    assertEquals(1, late.exit());
    assertTrue(late.err().startsWith("error: ExpiredException: timestamp expired at "), late.err());
  }

  @Test
  void init_notEnoughRootKeys_exitTwoWithRoleMessage() {
    Run r = cli("init", "--repo", repo.toString(), "--root-key", k("root1.key"), "--root-pub", k("root2.key"),
        "--root-threshold", "2", "--targets-key", k("targets.key"), "--snapshot-key", k("snapshot.key"),
        "--timestamp-key", k("timestamp.key"));
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("error: root: needs 2 signature(s) from its keys, 1 signing key(s) given"), r.err());
  }

  @Test
  void init_missingKeyFile_exitTwoNamingTheFile() {
    String missing = keys.resolve("root3.pub").toString();
    Run r = cli("init", "--repo", repo.toString(), "--root-key", k("root1.key"), "--root-key", k("root2.key"),
        "--root-pub", missing, "--root-threshold", "2", "--targets-key", k("targets.key"),
        "--snapshot-key", k("snapshot.key"), "--timestamp-key", k("timestamp.key"));
    assertEquals(2, r.exit());
    assertEquals("error: " + missing + ": no such file\n", r.err());
    assertTrue(!Files.exists(repo.resolve("1.root.json")));
  }

  @Test
  void package_expiredRepository_refusedExitOne() {
    assertEquals(0, init("--timestamp-expires", "1h").exit());
    Run p = cli("package", "--repo", repo.toString(), "--out", tmp.resolve("out").toString(), "--time",
        java.time.Instant.now().plus(java.time.Duration.ofHours(2)).toString());
    assertEquals(1, p.exit());
    assertTrue(p.err().startsWith("error: refusing to package expired metadata: timestamp expired at "), p.err());
    assertTrue(!Files.exists(tmp.resolve("out/mirrorFS.tar.gz")));
  }

  @Test
  void verify_hostileMirrorFs_refusedWithEntryName() throws Exception {
    assertEquals(0, init().exit());
    // a mirrorFS whose entry climbs out of the folder
    Path tgz = tmp.resolve("evil.tar.gz");
    var files = new java.util.TreeMap<String, byte[]>();
    files.put("repository/x", new byte[0]);
    byte[] good = dev.sigstack.core.archive.TarGz.write(files, 0);
    byte[] raw = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(good)).readAllBytes();
    String s = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = s.indexOf("repository/x");
    byte[] evil = raw.clone();
    System.arraycopy("../../../../x".getBytes(), 0, evil, at, 13);
    // fix the header checksum
    long sum = 0;
    for (int i = at; i < at + 512; i++) {
      sum += (i >= at + 148 && i < at + 156) ? ' ' : (evil[i] & 0xff);
    }
    byte[] ck = String.format("%06o\0", sum).getBytes();
    System.arraycopy(ck, 0, evil, at + 148, 7);
    var bos = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bos)) {
      gz.write(evil);
    }
    Files.write(tgz, bos.toByteArray());
    Run v = cli("verify", "--mirror-fs", tgz.toString(), "--trusted-root", repo.resolve("1.root.json").toString());
    assertEquals(1, v.exit(), v.err());
    assertEquals("error: archive entry ../../../../x: path contains .. (PATH_TRAVERSAL)\n", v.err());
  }

  @Test
  void refresh_ifExpiringWithin_onlyWhenDue() {
    assertEquals(0, init().exit());
    Run notDue = cli("refresh", "--repo", repo.toString(), "--if-expiring-within", "2d",
        "--key", k("snapshot.key"), "--key", k("timestamp.key"));
    assertEquals(0, notDue.exit(), notDue.err());
    assertTrue(notDue.out().startsWith("nothing to do: snapshot expires "), notDue.out());
    Run due = cli("refresh", "--repo", repo.toString(), "--if-expiring-within", "8d",
        "--key", k("snapshot.key"), "--key", k("timestamp.key"));
    assertEquals(0, due.exit(), due.err());
    assertTrue(due.out().startsWith("snapshot v2 expires "), due.out());
    Run noKey = cli("refresh", "--repo", repo.toString(), "--key", k("snapshot.key"));
    assertEquals(2, noKey.exit());
    assertTrue(noKey.err().startsWith("error: timestamp: needs 1 signature(s) from its keys, 0 signing key(s) given"),
        noKey.err());
  }

  @Test
  void verify_url_walksTheServedRepository() throws Exception {
    assertEquals(0, init().exit());
    try (TufRepoServer server = TufRepoServer.startLoopback(repo)) {
      Run v = cli("verify", "--url", server.url().toString(), "--trusted-root", repo.resolve("1.root.json").toString());
      assertEquals(0, v.exit(), v.err());
      assertEquals("ok: root v1 (walked 1 version(s)), timestamp v1, snapshot v1, targets v1, 6 target(s) verified\n",
          v.out());
      Run noRoot = cli("verify", "--url", server.url().toString());
      assertEquals(2, noRoot.exit());
      assertEquals("error: --trusted-root is required with --mirror-fs and --url\n", noRoot.err());
    }
  }

  @Test
  void init_packageOut_buildsSignsAndPackagesInOneRun() throws Exception {
    Path out = tmp.resolve("out");
    Run r = init("--package-out", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("wrote " + out + ": mirrorFS.tar.gz"), r.out());
    Run m = cli("verify", "--mirror-fs", out.resolve("mirrorFS.tar.gz").toString(), "--trusted-root",
        out.resolve("root.json").toString());
    assertEquals(0, m.exit(), m.err());
  }

  @Test
  void verify_gapInRootChain_reported() throws Exception {
    assertEquals(0, init().exit());
    for (int i = 0; i < 2; i++) {
      Run r = cli("rotate-root", "--repo", repo.toString(), "--key", k("root1.key"), "--key", k("root2.key"),
          "--key", k("snapshot.key"), "--key", k("timestamp.key"));
      assertEquals(0, r.exit(), r.err());
    }
    Files.delete(repo.resolve("2.root.json"));
    Run v = cli("verify", "--repo", repo.toString());
    assertEquals(1, v.exit());
    assertEquals("error: root chain stops at version 1 but 3.root.json is published (2.root.json missing?)",
        v.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElse(v.err()));
  }

  @Test
  void targets_resignOrNothing_newVersionOrUsageError() {
    assertEquals(0, init().exit());
    Run nothing = cli("targets", "--repo", repo.toString(), "--key", k("targets.key"));
    assertEquals(2, nothing.exit());
    assertEquals("error: nothing to do: give --stack, --target, --remove or --resign\n", nothing.err());
    Run resign = cli("targets", "--repo", repo.toString(), "--resign", "--key", k("targets.key"),
        "--key", k("snapshot.key"), "--key", k("timestamp.key"));
    assertEquals(0, resign.exit(), resign.err());
    assertEquals("targets v2: 6 target(s); snapshot v2; timestamp v2\n", resign.out());
  }
}
