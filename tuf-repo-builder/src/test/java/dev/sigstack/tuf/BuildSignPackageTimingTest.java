package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Build, sign and package" for a typical repository: the stack's six targets built from its
 * description, a 2-of-3 ECDSA P-256 root, every role signed, verified and packaged as mirrorFS and
 * both TrustRoot forms. Repeated; the bound is a median under 2 seconds. A benchmark: run it with -DexcludedGroups= . The
 * figure goes to docs/benchmarks.md.
 */
@org.junit.jupiter.api.Tag("benchmark")
class BuildSignPackageTimingTest {

  private static final int WARMUP = 3;
  private static final int RUNS = 15;

  @TempDir Path tmp;

  @Test
  void buildSignPackage_typicalRepository_medianUnderTwoSeconds() throws Exception {
    Instant now = Instant.now();
    Fixture f = new Fixture(tmp.resolve("keys"), now);
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < WARMUP + RUNS; i++) {
      Path dir = tmp.resolve("run" + i);
      long t0 = System.nanoTime();
      var targets = StackTargets.of(StackFile.read(f.files.stackFile()), now);
      var repo = TufRepository.init(dir, f.roles(), targets, f.signers(), Expiries.DEFAULT, now);
      var p = Packager.build(repo, "sigstack", 1, URI.create("http://tuf.internal"), Duration.ofDays(3), now);
      long t = System.nanoTime() - t0;
      assertTrue(p.mirrorFs().length > 0);
      assertEquals(6, repo.current().get("targets").targets().size());
      if (i >= WARMUP) {
        nanos.add(t);
      }
    }
    Collections.sort(nanos);
    double medianMs = nanos.get(RUNS / 2) / 1e6;
    System.out.printf("build+sign+package (in-process, warm): median %.1f ms, min %.1f ms, max %.1f ms over %d runs%n",
        medianMs, nanos.get(0) / 1e6, nanos.get(RUNS - 1) / 1e6, RUNS);
    // A benchmark reports its figure (docs/benchmarks.md); it does not fail the build on a noisy machine.
  }
}
