package dev.sigstack.airgap;

/** The exit codes of {@code airgap-bundle}; documented in the README and in {@code --help}. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** An unexpected error: unreadable input, a full disk, a bug. */
  public static final int ERROR = 1;
  /** Bad command line (picocli's own code for usage errors). */
  public static final int USAGE = 2;
  /** The manifest signature does not verify, or another key signed it. */
  public static final int SIGNATURE = 3;
  /** A file is tampered with, missing or extra, or the manifest is malformed. */
  public static final int INTEGRITY = 4;
  /** A hostile bundle: path traversal, link, special file, oversized or malformed archive. */
  public static final int HOSTILE = 5;
  /** TUF metadata expired or does not verify. */
  public static final int TUF = 6;
  /** The import destination exists and is not empty. */
  public static final int DESTINATION = 7;

  private ExitCodes() {}
}
