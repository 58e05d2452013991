package dev.sigstack.airgap;

import java.util.List;

/**
 * A bundle that must not be used, with the reason (which fixes the exit code) and every problem found.
 * Verification throws this; it never returns false.
 */
public final class BundleRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a bundle is refused; each maps to an exit code scripts can rely on. */
  public enum Reason {
    /** The manifest is signed by another key than the one given. */
    WRONG_KEY(ExitCodes.SIGNATURE),
    /** The manifest signature does not verify (the manifest or signature was altered). */
    BAD_SIGNATURE(ExitCodes.SIGNATURE),
    /** MANIFEST.json or MANIFEST.json.sig is absent. */
    NO_MANIFEST(ExitCodes.INTEGRITY),
    /** MANIFEST.json does not parse or lists a bad path. */
    MALFORMED_MANIFEST(ExitCodes.INTEGRITY),
    /** A file's size or SHA-256 differs from the manifest. */
    TAMPERED(ExitCodes.INTEGRITY),
    /** A file the manifest lists is absent. */
    MISSING_FILE(ExitCodes.INTEGRITY),
    /** A file the manifest does not list is present. */
    EXTRA_FILE(ExitCodes.INTEGRITY),
    /** A path with {@code ..}, an absolute path or a path otherwise unsafe to write. */
    PATH_TRAVERSAL(ExitCodes.HOSTILE),
    /** A symbolic or hard link. */
    LINK(ExitCodes.HOSTILE),
    /** A device, FIFO or other non-regular file. */
    SPECIAL_FILE(ExitCodes.HOSTILE),
    /** An entry or the whole bundle over the size limits, or too many entries. */
    OVERSIZED(ExitCodes.HOSTILE),
    /** A truncated or malformed archive, or a duplicate entry. */
    MALFORMED_ARCHIVE(ExitCodes.HOSTILE),
    /** TUF metadata has expired. */
    EXPIRED(ExitCodes.TUF),
    /** TUF metadata does not verify, or the bundle's copies of the trust material disagree with it. */
    TUF_INVALID(ExitCodes.TUF),
    /** The import destination already exists and is not empty. */
    DESTINATION_EXISTS(ExitCodes.DESTINATION);

    private final int exitCode;

    Reason(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Reason reason;
  private final List<String> problems;

  public BundleRefusedException(Reason reason, String problem) {
    this(reason, List.of(problem), null);
  }

  public BundleRefusedException(Reason reason, String problem, Throwable cause) {
    this(reason, List.of(problem), cause);
  }

  public BundleRefusedException(Reason reason, List<String> problems, Throwable cause) {
    super(reason + ": " + String.join("; ", problems), cause);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a refusal needs at least one problem");
    }
    this.reason = reason;
    this.problems = List.copyOf(problems);
  }

  public Reason reason() {
    return reason;
  }

  /** Every problem found, one sentence each. */
  public List<String> problems() {
    return problems;
  }
}
