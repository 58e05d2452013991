package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sigstack.core.tuf.TufKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TUF keys in a real PKCS#11 token: SoftHSM2 through the JDK's SunPKCS11 provider. Surefire sets
 * SOFTHSM2_CONF (under target/) and SIGSTACK_PKCS11_PIN; skipped when SoftHSM2 is not installed.
 */
class Pkcs11SignerTest {

  private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
  private static final String PIN = "0000-test-pin";
  private static Path pkcs11Config;

  @TempDir static Path tmp;

  @BeforeAll
  static void token() throws Exception {
    String conf = System.getenv("SOFTHSM2_CONF");
    Assumptions.assumeTrue(Files.isRegularFile(LIBRARY) && conf != null,
        "skipped: SoftHSM2 not installed (" + LIBRARY + ") or SOFTHSM2_CONF not set by surefire");
    Path confFile = Path.of(conf);
    Path tokens = confFile.resolveSibling("tokens");
    if (Files.exists(tokens)) {
      try (var s = Files.walk(tokens)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(tokens);
    Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Process p;
    try {
      p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "sigstack-test", "--pin", PIN,
          "--so-pin", "0000-test-so-pin").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      Assumptions.abort("skipped: softhsm2-util is not installed");
      return;
    }
    String out = new String(p.getInputStream().readAllBytes());
    Assumptions.assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "skipped: softhsm2-util failed: " + out);
    pkcs11Config = tmp.resolve("pkcs11.cfg");
    Files.writeString(pkcs11Config, "name = SoftHSM\nlibrary = " + LIBRARY + "\nslotListIndex = 0\n");
    // Put a timestamp key (with the self-signed certificate SunPKCS11 key entries need) in the token.
    Provider provider = Security.getProvider("SunPKCS11").configure(pkcs11Config.toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", provider);
    ks.load(null, PIN.toCharArray());
    var kp = DevStack.ec();
    var cert = DevStack.cert("CN=tuf timestamp", kp, "CN=tuf timestamp", kp.getPrivate(), false, null,
        Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(365)));
    ks.setKeyEntry("timestamp", kp.getPrivate(), null, new Certificate[] {cert});
  }

  @Test
  void pkcs11_softHsmKey_signsTimestampThatVerifies(@TempDir Path dir) throws Exception {
    var signer = Keys.pkcs11(pkcs11Config, "timestamp", PIN.toCharArray());
    assertEquals("ecdsa-sha2-nistp256", signer.key().scheme());
    Fixture f = new Fixture(dir, Instant.now());
    var roles = f.roles();
    roles.put("timestamp", new RoleSpec(List.of(signer.key()), 1));
    var signers = f.signers();
    signers.add(signer);
    var repo = TufRepository.init(f.repoDir, roles, StackTargets.of(StackFile.read(f.files.stackFile()), f.now), signers,
        Expiries.DEFAULT, f.now);
    var trusted = repo.verify(repo.rootBytes(1), f.now);
    assertEquals(List.of(signer.key().keyId()), trusted.root().rootInfo().roles().get("timestamp").keyIds());
    assertEquals(signer.key().keyId(), trusted.timestamp().signatures().get(0).keyId());
  }

  @Test
  void cli_pkcs11KeyReference_refreshesTimestamp(@TempDir Path dir) throws Exception {
    Fixture f = new Fixture(dir, Instant.now());
    String ref = "pkcs11:" + pkcs11Config + "#timestamp";
    TufKey tokenKey = Keys.publicKey(ref);
    var k = f.files;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = TufRepoBuilderCli.run(new String[] {"init", "--repo", f.repoDir.toString(),
        "--root-key", k.rootKey1().toString(), "--targets-key", k.targetsKey().toString(),
        "--snapshot-key", k.snapshotKey().toString(), "--timestamp-key", ref, "--stack", k.stackFile().toString()},
        new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, rc, err.toString());
    rc = TufRepoBuilderCli.run(new String[] {"refresh", "--repo", f.repoDir.toString(), "--timestamp-only", "--key", ref},
        new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, rc, err.toString());
    var repo = TufRepository.open(f.repoDir);
    var trusted = repo.verify(repo.rootBytes(1), Instant.now());
    assertEquals(2, trusted.timestamp().version());
    assertEquals(tokenKey.keyId(), trusted.timestamp().signatures().get(0).keyId());
  }
}
