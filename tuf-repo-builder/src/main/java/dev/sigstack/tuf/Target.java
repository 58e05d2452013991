package dev.sigstack.tuf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A target file's content and its optional {@code custom} metadata.
 */
public record Target(byte[] content, ObjectNode custom) {
  public Target {
    content = Objects.requireNonNull(content, "content").clone();
    custom = custom == null ? null : custom.deepCopy();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public ObjectNode custom() {
    return custom == null ? null : custom.deepCopy();
  }
}
