package dev.sigstack.core.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The synthetic repositories of sigstore-java's {@code UpdaterTest} (vectors
 * {@code tuf-client-failures/}), each served with exactly the files that test serves, at the same
 * clock, with the verdict that test expects mapped to our exception types.
 */
class TufClientVectorsTest {

  private static final String T_DEFAULT = "2022-09-09T13:37:00Z";
  private static final String T_LATE = "2022-11-20T18:07:27Z";
  private static final String H_TEST_TXT =
      "targets/860de8f9a858eea7190fcfa1b53fe55914d3c38f17f8f542273012d19cc9509bb423f37b7c13c577a56339ad7f45273b479b1d0df837cb6e20a550c27cce0885.test.txt";

  enum Step { ROOT, TIMESTAMP, SNAPSHOT, META, ALL, TARGET_TEST_TXT, TARGET_SUBDIR }

  /** One sigstore-java test: files served, local state, time, step and expected outcome. */
  record Case(
      String name,
      String folder,
      String trustedRoot,
      List<String> localState,
      List<String> mirror,
      String time,
      Step step,
      Class<? extends TufException> expected,
      Consumer<Object> check) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Path vectors() {
    String dir = System.getProperty("sigstack.vectors");
    Path p = dir == null ? null : Path.of(dir, "tuf-client-failures");
    Assumptions.assumeTrue(p != null && Files.isDirectory(p),
        "skipped: public vectors not found (system property sigstack.vectors -> tuf-client-failures/)");
    return p;
  }

  private static Case ok(String name, String folder, String root, List<String> local, List<String> mirror,
      String time, Step step, Consumer<Object> check) {
    return new Case(name, folder, root, local, mirror, time, step, null, check);
  }

  private static Case fail(String name, String folder, List<String> mirror, String time, Step step,
      Class<? extends TufException> expected, Consumer<Object> check) {
    return new Case(name, folder, "trusted-root.json", List.of(), mirror, time, step, expected, check);
  }

  private static final List<String> META3 = List.of("2.root.json", "timestamp.json", "3.snapshot.json", "3.targets.json");

  static Stream<Arguments> cases() {
    Consumer<Object> none = x -> {};
    return Stream.of(
        fail("testRootUpdate_notEnoughSignatures", "root-unsigned", List.of("2.root.json"), T_DEFAULT, Step.ALL,
            SignatureThresholdException.class, e -> {
              var s = (SignatureThresholdException) e;
              assertEquals("root", s.role());
              assertEquals(1, s.required());
              assertEquals(0, s.verified());
            }),
        ok("testRootUpdate_newRootHasUnknownFields", "root-update-with-unknown-fields",
            "root-update-with-unknown-fields/4.root.json", List.of(), List.of("4.root.json", "5.root.json"),
            T_DEFAULT, Step.ROOT, r -> assertEquals(5, ((Metadata) r).version())),
        ok("testRootUpdate_newRootHasEmptySignatures", "root-update-with-empty-signature", "trusted-root.json",
            List.of(), List.of("2.root.json"), T_DEFAULT, Step.ROOT, r -> assertEquals(2, ((Metadata) r).version())),
        ok("testRootUpdate_newRootHasInvalidSignatures", "root-update-with-invalid-signature", "trusted-root.json",
            List.of(), List.of("2.root.json"), T_DEFAULT, Step.ROOT, r -> assertEquals(2, ((Metadata) r).version())),
        fail("testRootUpdate_expiredRoot", "test-template", List.of("2.root.json"), "2023-05-13T14:35:59Z", Step.ROOT,
            ExpiredException.class, e -> {
              assertEquals("root", ((ExpiredException) e).role());
              assertEquals(Instant.parse("2023-05-13T14:35:59Z"), ((ExpiredException) e).now());
            }),
        fail("testRootUpdate_wrongVersion", "root-wrong-version", List.of("2.root.json"), T_DEFAULT, Step.ALL,
            RollbackException.class, e -> {
              var r = (RollbackException) e;
              assertEquals("root", r.role());
              assertEquals(2, r.current());
              assertEquals(1, r.found());
            }),
        fail("testRootUpdate_metaFileTooBig", "root-too-big", List.of("2.root.json"), T_DEFAULT, Step.ALL,
            LengthMismatchException.class, e -> assertEquals("2.root.json", ((LengthMismatchException) e).file())),
        fail("testTimestampUpdate_throwMetaNotFoundException", "test-template", List.of("2.root.json"), T_DEFAULT,
            Step.ALL, FileMissingException.class, e -> assertEquals("timestamp.json", ((FileMissingException) e).file())),
        fail("testTimestampUpdate_throwsSignatureVerificationException", "timestamp-unsigned",
            List.of("2.root.json", "timestamp.json"), T_DEFAULT, Step.ALL, SignatureThresholdException.class, e -> {
              // This folder's 2.root.json comes from another repository than trusted-root.json, so
              // the walk stops at the root; sigstore-java throws the same (1 required, 0 verified)
              // there, and its test does not say which role failed.
              var s = (SignatureThresholdException) e;
              assertEquals("root", s.role());
              assertEquals(1, s.required());
              assertEquals(0, s.verified());
            }),
        new Case("testTimestampUpdate_throwsRollbackVersionException", "timestamp-rollback-version",
            "test-template/root.json", List.of("test-template/timestamp.json"), List.of("2.root.json", "timestamp.json"),
            T_DEFAULT, Step.ALL, RollbackException.class, e -> {
              var r = (RollbackException) e;
              assertEquals("timestamp", r.role());
              assertEquals(3, r.current());
              assertEquals(1, r.found());
            }),
        fail("testTimestampUpdate_throwsRoleExpiredException", "test-template", List.of("2.root.json", "timestamp.json"),
            "2023-02-13T15:37:49Z", Step.ALL, ExpiredException.class,
            e -> assertEquals("timestamp", ((ExpiredException) e).role())),
        ok("testTimestampUpdate_noPreviousTimestamp_success", "test-template", "trusted-root.json", List.of(),
            List.of("2.root.json", "timestamp.json"), T_DEFAULT, Step.TIMESTAMP,
            t -> assertEquals("timestamp", ((Metadata) t).type())),
        fail("testSnapshotUpdate_snapshotMetaMissing", "test-template", List.of("2.root.json", "timestamp.json"),
            T_DEFAULT, Step.ALL, FileMissingException.class,
            e -> assertEquals("3.snapshot.json", ((FileMissingException) e).file())),
        fail("testSnapshotUpdate_invalidHash", "snapshot-invalid-hash",
            List.of("2.root.json", "timestamp.json", "3.snapshot.json"), T_DEFAULT, Step.ALL,
            HashMismatchException.class, e -> assertEquals("3.snapshot.json", ((HashMismatchException) e).file())),
        fail("testSnapshotUpdate_timestampSnapshotVersionMismatch", "snapshot-version-mismatch",
            List.of("2.root.json", "timestamp.json", "3.snapshot.json"), T_DEFAULT, Step.ALL,
            VersionMismatchException.class, e -> {
              var v = (VersionMismatchException) e;
              assertEquals("snapshot", v.role());
              assertEquals(3, v.expected());
              assertEquals(2, v.found());
            }),
        new Case("testSnapshotUpdate_snapshotTargetMissing", "snapshot-target-missing", "test-template/2.root.json",
            List.of("test-template/1.timestamp.json", "test-template/1.snapshot.json"),
            List.of("2.root.json", "timestamp.json", "4.snapshot.json"), T_DEFAULT, Step.ALL,
            MetaMissingException.class, e -> assertEquals("targets.json", ((MetaMissingException) e).entry())),
        new Case("testSnapshotUpdate_snapshotTargetVersionRollback", "snapshot-target-version-rollback",
            "test-template/2.root.json", List.of("test-template/2.timestamp.json", "test-template/2.snapshot.json"),
            List.of("2.root.json", "timestamp.json", "3.snapshot.json"), T_DEFAULT, Step.ALL,
            RollbackException.class, e -> assertEquals("targets", ((RollbackException) e).role())),
        ok("testSnapshotUpdate_success", "test-template", "trusted-root.json", List.of(),
            List.of("2.root.json", "timestamp.json", "3.snapshot.json"), T_DEFAULT, Step.SNAPSHOT,
            s -> assertEquals(3, ((Metadata) s).version())),
        fail("testSnapshotUpdate_expired", "snapshot-expired", List.of("2.root.json", "timestamp.json", "3.snapshot.json"),
            T_LATE, Step.ALL, ExpiredException.class, e -> assertEquals("snapshot", ((ExpiredException) e).role())),
        fail("testTargetsUpdate_targetMetaMissing", "test-template",
            List.of("2.root.json", "timestamp.json", "3.snapshot.json"), T_DEFAULT, Step.ALL,
            FileMissingException.class, e -> assertEquals("3.targets.json", ((FileMissingException) e).file())),
        fail("testTargetsUpdate_invalidHash", "targets-invalid-hash", META3, T_DEFAULT, Step.ALL,
            HashMismatchException.class, e -> assertEquals("3.targets.json", ((HashMismatchException) e).file())),
        fail("testTargetsUpdate_snapshotVersionMismatch", "targets-snapshot-version-mismatch", META3, T_DEFAULT,
            Step.ALL, VersionMismatchException.class, e -> assertEquals("targets", ((VersionMismatchException) e).role())),
        fail("testTargetsUpdate_targetExpired", "targets-expired", META3, T_LATE, Step.ALL, ExpiredException.class,
            e -> assertEquals("targets", ((ExpiredException) e).role())),
        ok("testTargetsUpdate_success", "test-template", "trusted-root.json", List.of(), META3, T_LATE, Step.META,
            t -> assertEquals(3, ((Metadata) t).version())),
        fail("testTargetsDownload_targetMissingTargetMetadata", "targets-download-missing-target-metadata", META3,
            T_DEFAULT, Step.ALL, MalformedMetadataException.class,
            e -> assertEquals("3.targets.json", ((MalformedMetadataException) e).file())),
        fail("testTargetsDownload_targetFileNotFound", "test-template", META3, T_DEFAULT, Step.ALL,
            FileMissingException.class, e -> {}),
        fail("testTargetsDownload_targetInvalidLength", "targets-download-invalid-length",
            concat(META3, H_TEST_TXT), T_DEFAULT, Step.TARGET_TEST_TXT, LengthMismatchException.class,
            e -> assertEquals(H_TEST_TXT, ((LengthMismatchException) e).file())),
        fail("testTargetsDownload_targetFileInvalidHash", "targets-download-invalid-hash",
            concat(META3, H_TEST_TXT), T_DEFAULT, Step.TARGET_TEST_TXT, HashMismatchException.class,
            e -> assertEquals(H_TEST_TXT, ((HashMismatchException) e).file())),
        ok("testTargetsDownload_success", "test-template", "trusted-root.json", List.of(),
            concat(META3, H_TEST_TXT,
                "targets/32005f02eac21b4cf161a02495330b6c14b548622b5f7e19d59ecfa622de650603ecceea39ed86cc322749a813503a72ad14ce5462c822b511eaf2f2cd2ad8f2.test.txt.v2",
                "targets/53904bc6216230bf8da0ec42d34004a3f36764de698638641870e37d270e4fd13e1079285f8bca73c2857a279f6f7fbc82038274c3eb48ec5bb2da9b2e30491a.test2.txt"),
            T_DEFAULT, Step.ALL, n -> assertEquals(3, (Integer) n)),
        ok("testTargetsDownload_sha256Only", "targets-sha256-or-sha512", "targets-sha256-or-sha512/root.json",
            List.of(), List.of("1.root.json", "2.root.json", "2.snapshot.json", "1.targets.json", "timestamp.json",
                "targets/2dff935df7d1e1221ef52c753091c487c6fdaabbb0b0e2b193764de8cd7c1222776c61d7ef21f20a4d031a6a6bfa631713df7c4f71b4ee21d362152d4618d514.test2.txt",
                "targets/55f8718109829bf506b09d8af615b9f107a266e19f7a311039d1035f180b22d4.test.txt"),
            T_DEFAULT, Step.ALL, n -> assertEquals(2, (Integer) n)),
        ok("testDownloadTarget_inSubDirectory", "targets-with-subdirs", "targets-with-subdirs/root.json", List.of(),
            List.of("1.root.json", "timestamp.json", "1.snapshot.json", "1.targets.json",
                "targets/subdir/860de8f9a858eea7190fcfa1b53fe55914d3c38f17f8f542273012d19cc9509bb423f37b7c13c577a56339ad7f45273b479b1d0df837cb6e20a550c27cce0885.test.txt"),
            T_DEFAULT, Step.TARGET_SUBDIR, b -> assertEquals("test file\n", new String((byte[]) b))),
        ok("testUpdate_snapshotsAndTimestampHaveNoSizeAndNoHashesInMeta", "no-size-no-hash-snapshot-timestamp",
            "trusted-root.json", List.of(), List.of("2.root.json", "timestamp.json", "3.snapshot.json"), T_LATE,
            Step.SNAPSHOT, s -> assertEquals("snapshot", ((Metadata) s).type())))
        .map(Arguments::of);
  }

  private static List<String> concat(List<String> a, String... more) {
    var l = new java.util.ArrayList<>(a);
    l.addAll(Arrays.asList(more));
    return l;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refresh_sigstoreJavaVector_sameVerdict(Case c) throws Exception {
    Path base = vectors();
    Map<String, byte[]> files = new HashMap<>();
    for (String f : c.mirror()) {
      files.put(f, Files.readAllBytes(base.resolve(c.folder()).resolve(f)));
    }
    TufClient.Builder b =
        TufClient.builder(Files.readAllBytes(base.resolve(c.trustedRoot())), RepositorySource.of(files))
            .time(Instant.parse(c.time()));
    for (String local : c.localState()) {
      byte[] bytes = Files.readAllBytes(base.resolve(local));
      if (local.contains("timestamp")) {
        b.trustedTimestamp(bytes);
      } else if (local.contains("snapshot")) {
        b.trustedSnapshot(bytes);
      }
    }
    if (c.expected() == null) {
      c.check().accept(run(b, c.step()));
    } else {
      TufException e = assertThrows(TufException.class, () -> run(b, c.step()));
      assertInstanceOf(c.expected(), e, () -> "got " + e);
      c.check().accept(e);
    }
  }

  private static Object run(TufClient.Builder b, Step step) throws TufException, IOException {
    TufClient client = b.build();
    switch (step) {
      case ROOT:
        return client.updateRoot();
      case TIMESTAMP:
        client.updateRoot();
        return client.updateTimestamp();
      case SNAPSHOT:
        client.updateRoot();
        client.updateTimestamp();
        return client.updateSnapshot();
      case META:
        return client.refresh().targets();
      case TARGET_TEST_TXT:
        client.refresh();
        return client.target("test.txt");
      case TARGET_SUBDIR:
        client.refresh();
        return client.target("subdir/test.txt");
      case ALL:
      default:
        client.refresh();
        int n = 0;
        for (String t : client.targets().keySet()) {
          client.target(t);
          n++;
        }
        return n;
    }
  }
}
