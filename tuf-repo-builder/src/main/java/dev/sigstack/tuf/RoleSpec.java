package dev.sigstack.tuf;

import dev.sigstack.core.tuf.TufKey;
import java.util.List;

/** A role's keys and signature threshold (m of n). */
public record RoleSpec(List<TufKey> keys, int threshold) {
  public RoleSpec {
    keys = List.copyOf(keys);
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
    }
    if (threshold > keys.size()) {
      throw new IllegalArgumentException("threshold " + threshold + " exceeds the " + keys.size() + " key(s) given");
    }
    // Clients count distinct keys, not key IDs: a key spelled twice (another ID) would not count twice.
    if (keys.stream().map(RoleSpec::material).distinct().count() != keys.size()) {
      throw new IllegalArgumentException("the same key is listed twice");
    }
  }

  private static String material(TufKey k) {
    try {
      return k.material();
    } catch (java.security.InvalidKeyException e) {
      throw new IllegalArgumentException("key " + k.keyId() + " does not decode: " + e.getMessage(), e);
    }
  }

  public List<String> keyIds() {
    return keys.stream().map(TufKey::keyId).toList();
  }
}
