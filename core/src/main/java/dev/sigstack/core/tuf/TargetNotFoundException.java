package dev.sigstack.core.tuf;

/** The trusted targets metadata does not list the requested target. */
public final class TargetNotFoundException extends TufException {
  private static final long serialVersionUID = 1L;
  private final String target;

  public TargetNotFoundException(String target) {
    super("target " + target + " is not listed in the trusted targets metadata");
    this.target = target;
  }

  public String target() {
    return target;
  }
}
