package dev.sigstack.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code tuf-repo-builder verify} over sigstore-java's synthetic failure repositories (expired,
 * rolled back, mis-signed, tampered): exit 1 and the first error line naming the failure.
 */
class VerifyCommandVectorsTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("root-unsigned", "trusted-root.json", null, "2022-09-09T13:37:00Z",
            "error: SignatureThresholdException: 2.root.json: role root needs 1 valid signature(s), found 0"),
        Arguments.of("root-wrong-version", "trusted-root.json", null, "2022-09-09T13:37:00Z",
            "error: RollbackException: rollback of root: trusted version 2, found version 1"),
        Arguments.of("snapshot-expired", "trusted-root.json", null, "2022-11-20T18:07:27Z",
            "error: ExpiredException: snapshot expired at 2022-11-19T18:07:27Z (update time 2022-11-20T18:07:27Z)"),
        Arguments.of("targets-expired", "trusted-root.json", null, "2022-11-20T18:07:27Z",
            "error: ExpiredException: targets expired at 2022-11-19T18:07:27Z (update time 2022-11-20T18:07:27Z)"),
        Arguments.of("timestamp-rollback-version", "test-template/root.json", "test-template/timestamp.json",
            "2022-09-09T13:37:00Z", "error: RollbackException: rollback of timestamp: trusted version 3, found version 1"),
        Arguments.of("snapshot-version-mismatch", "trusted-root.json", null, "2022-09-09T13:37:00Z",
            "error: VersionMismatchException: snapshot: expected version 3, found version 2"),
        Arguments.of("targets-snapshot-version-mismatch", "trusted-root.json", null, "2022-09-09T13:37:00Z",
            "error: VersionMismatchException: targets: expected version 3, found version 2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void verify_sigstoreJavaFailureRepository_exitOneWithPreciseError(String folder, String root, String trustedTimestamp,
      String time, String expected) {
    String dir = System.getProperty("sigstack.vectors");
    Path base = dir == null ? null : Path.of(dir, "tuf-client-failures");
    Assumptions.assumeTrue(base != null && Files.isDirectory(base), "skipped: public vectors not found");
    List<String> args = new ArrayList<>(List.of("verify", "--repo", base.resolve(folder).toString(),
        "--trusted-root", base.resolve(root).toString(), "--time", time));
    if (trustedTimestamp != null) {
      args.addAll(List.of("--trusted-timestamp", base.resolve(trustedTimestamp).toString()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = TufRepoBuilderCli.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(1, rc, out + err.toString());
    assertEquals(expected, err.toString().lines().findFirst().orElse(""));
  }
}
