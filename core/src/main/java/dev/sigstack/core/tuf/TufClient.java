package dev.sigstack.core.tuf;

import dev.sigstack.core.tuf.Metadata.MetaFile;
import dev.sigstack.core.tuf.Metadata.RootInfo;
import dev.sigstack.core.tuf.Metadata.TargetFile;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The TUF client workflow (spec 5.3 to 5.7) over a {@link RepositorySource}, starting from a
 * trusted root and, optionally, previously trusted timestamp, snapshot and targets metadata (for
 * rollback checks). Every failure throws one {@link TufException} subtype.
 *
 * <p>Like sigstore-java, the client fetches {@code N.snapshot.json}, {@code N.targets.json} and
 * hash-prefixed targets when the root sets {@code consistent_snapshot}; when it does not, it tries
 * the plain names first and then the versioned ones. A hash-prefixed target is looked up by its
 * SHA-512 prefix when one is listed, else SHA-256 (as sigstore-java does), then by the other.
 *
 * <p>Not thread-safe; use one instance per update.
 */
public final class TufClient {

  /** The longest root or timestamp file read, and any file without a listed length (99 KiB). */
  public static final long DEFAULT_MAX_METADATA_LENGTH = 99 * 1024;
  /** The most root versions one update walks through. */
  public static final int MAX_ROOT_ROTATIONS = 1024;

  private final RepositorySource source;
  private final Instant now;
  private final String targetsPath;
  private final long maxMetadataLength;
  private Metadata root;
  private RootInfo rootInfo;
  private Metadata timestamp;
  private Metadata snapshot;
  private Metadata targets;
  private final List<Metadata> rootChain = new ArrayList<>();

  private TufClient(Builder b) throws TufException {
    this.source = b.source;
    this.now = b.now;
    this.targetsPath = b.targetsPath;
    this.maxMetadataLength = b.maxMetadataLength;
    this.root = Metadata.parse("trusted root", b.trustedRoot, "root");
    this.rootInfo = root.rootInfo();
    root.verifySignatures(rootInfo, "root");
    rootChain.add(root);
    this.timestamp = b.trustedTimestamp == null ? null : Metadata.parse("trusted timestamp", b.trustedTimestamp, "timestamp");
    this.snapshot = b.trustedSnapshot == null ? null : Metadata.parse("trusted snapshot", b.trustedSnapshot, "snapshot");
    this.targets = b.trustedTargets == null ? null : Metadata.parse("trusted targets", b.trustedTargets, "targets");
  }

  /** Starts a client from trusted root metadata bytes and a source of repository files. */
  public static Builder builder(byte[] trustedRoot, RepositorySource source) {
    return new Builder(trustedRoot, source);
  }

  /** Runs 5.3 to 5.6 and returns the trusted top-level metadata. */
  public Trusted refresh() throws TufException, IOException {
    updateRoot();
    updateTimestamp();
    updateSnapshot();
    updateTargets();
    return trusted();
  }

  /** The metadata trusted so far (timestamp, snapshot or targets may be null). */
  public Trusted trusted() {
    return new Trusted(List.copyOf(rootChain), root, timestamp, snapshot, targets);
  }

  /** Spec 5.3: walks {@code N.root.json} from the trusted version up, then checks expiry. */
  public Metadata updateRoot() throws TufException, IOException {
    RootInfo before = rootInfo;
    for (int i = 0; i < MAX_ROOT_ROTATIONS; i++) {
      long next = root.version() + 1;
      String name = next + ".root.json";
      Optional<byte[]> bytes = source.fetch(name, maxMetadataLength);
      if (bytes.isEmpty()) {
        break;
      }
      Metadata candidate = Metadata.parse(name, bytes.get(), "root");
      RootInfo candidateInfo = candidate.rootInfo();
      candidate.verifySignatures(rootInfo, "root");
      candidate.verifySignatures(candidateInfo, "root");
      if (candidate.version() < next) {
        throw new RollbackException("root", next, candidate.version());
      }
      if (candidate.version() != next) {
        throw new VersionMismatchException("root", next, candidate.version());
      }
      root = candidate;
      rootInfo = candidateInfo;
      rootChain.add(candidate);
    }
    if (root.expires().isBefore(now)) {
      throw new ExpiredException("root", root.expires(), now);
    }
    // 5.3.11: if the timestamp and/or snapshot keys have been rotated (a key removed, added or
    // replaced, compared by key material), delete the trusted timestamp and snapshot: what a
    // rotated-out (perhaps compromised) key signed must not pin versions (fast-forward recovery).
    if (!sameKeys(before, rootInfo, "timestamp") || !sameKeys(before, rootInfo, "snapshot")) {
      timestamp = null;
      snapshot = null;
    }
    // And, as python-tuf's ngclient loads local metadata: trusted metadata that the current root's
    // keys no longer sign to threshold is not trusted.
    if (!signedByCurrentRoot(timestamp, "timestamp") || !signedByCurrentRoot(snapshot, "snapshot")) {
      timestamp = null;
      snapshot = null;
    }
    return root;
  }

  private static boolean sameKeys(RootInfo a, RootInfo b, String role) {
    return Metadata.roleKeyMaterial(a, role).equals(Metadata.roleKeyMaterial(b, role))
        && a.roles().get(role).threshold() == b.roles().get(role).threshold();
  }

  private boolean signedByCurrentRoot(Metadata m, String role) {
    if (m == null) {
      return true;
    }
    try {
      m.verifySignatures(rootInfo, role);
      return true;
    } catch (TufException e) {
      return false;
    }
  }

  /** Spec 5.4: the timestamp. */
  public Metadata updateTimestamp() throws TufException, IOException {
    String name = "timestamp.json";
    byte[] bytes = source.fetch(name, maxMetadataLength).orElseThrow(() -> new FileMissingException(name));
    Metadata candidate = Metadata.parse(name, bytes, "timestamp");
    candidate.verifySignatures(rootInfo, "timestamp");
    MetaFile snapshotMeta = candidate.meta().get("snapshot.json");
    if (snapshotMeta == null) {
      throw new MetaMissingException("timestamp", "snapshot.json");
    }
    if (timestamp != null) {
      if (candidate.version() < timestamp.version()) {
        throw new RollbackException("timestamp", timestamp.version(), candidate.version());
      }
      MetaFile trustedSnapshot = timestamp.meta().get("snapshot.json");
      if (trustedSnapshot != null && snapshotMeta.version() < trustedSnapshot.version()) {
        throw new RollbackException("snapshot", trustedSnapshot.version(), snapshotMeta.version());
      }
      if (candidate.version() == timestamp.version()) {
        candidate = timestamp;
      }
    }
    if (candidate.expires().isBefore(now)) {
      throw new ExpiredException("timestamp", candidate.expires(), now);
    }
    timestamp = candidate;
    return timestamp;
  }

  /** Spec 5.5: the snapshot that the timestamp names. */
  public Metadata updateSnapshot() throws TufException, IOException {
    if (timestamp == null) {
      updateTimestamp();
    }
    MetaFile meta = timestamp.meta().get("snapshot.json");
    Fetched f = fetchMeta("snapshot", meta);
    checkHashes(f.name, f.bytes, meta.hashes());
    Metadata candidate = Metadata.parse(f.name, f.bytes, "snapshot");
    candidate.verifySignatures(rootInfo, "snapshot");
    if (candidate.version() != meta.version()) {
      throw new VersionMismatchException("snapshot", meta.version(), candidate.version());
    }
    Map<String, MetaFile> newMeta = candidate.meta();
    if (snapshot != null) {
      for (var e : snapshot.meta().entrySet()) {
        MetaFile listed = newMeta.get(e.getKey());
        if (listed == null) {
          throw new MetaMissingException("snapshot", e.getKey());
        }
        if (listed.version() < e.getValue().version()) {
          throw new RollbackException(roleOf(e.getKey()), e.getValue().version(), listed.version());
        }
      }
    }
    if (candidate.expires().isBefore(now)) {
      throw new ExpiredException("snapshot", candidate.expires(), now);
    }
    snapshot = candidate;
    return snapshot;
  }

  private static String roleOf(String metaName) {
    return metaName.endsWith(".json") ? metaName.substring(0, metaName.length() - 5) : metaName;
  }

  /** Spec 5.6: the top-level targets that the snapshot names. Delegations are not followed. */
  public Metadata updateTargets() throws TufException, IOException {
    if (snapshot == null) {
      updateSnapshot();
    }
    MetaFile meta = snapshot.meta().get("targets.json");
    if (meta == null) {
      throw new MetaMissingException("snapshot", "targets.json");
    }
    Fetched f = fetchMeta("targets", meta);
    checkHashes(f.name, f.bytes, meta.hashes());
    Metadata candidate = Metadata.parse(f.name, f.bytes, "targets");
    candidate.verifySignatures(rootInfo, "targets");
    if (candidate.version() != meta.version()) {
      throw new VersionMismatchException("targets", meta.version(), candidate.version());
    }
    if (candidate.expires().isBefore(now)) {
      throw new ExpiredException("targets", candidate.expires(), now);
    }
    candidate.targets(); // every entry must have a length and hashes
    targets = candidate;
    return targets;
  }

  private record Fetched(String name, byte[] bytes) {}

  private Fetched fetchMeta(String role, MetaFile meta) throws TufException, IOException {
    long max = meta.length() == null ? maxMetadataLength : meta.length();
    String versioned = meta.version() + "." + role + ".json";
    String plain = role + ".json";
    List<String> names = rootInfo.consistentSnapshot() ? List.of(versioned) : List.of(plain, versioned);
    for (String name : names) {
      Optional<byte[]> bytes = source.fetch(name, max);
      if (bytes.isPresent()) {
        return new Fetched(name, bytes.get());
      }
    }
    throw new FileMissingException(names.get(names.size() - 1));
  }

  /** The trusted targets, after {@link #updateTargets()}. */
  public Map<String, TargetFile> targets() throws TufException, IOException {
    if (targets == null) {
      updateTargets();
    }
    return targets.targets();
  }

  /** Spec 5.7: downloads one target and checks its length and hashes. */
  public byte[] target(String name) throws TufException, IOException {
    TargetFile info = targets().get(name);
    if (info == null) {
      throw new TargetNotFoundException(name);
    }
    int slash = name.lastIndexOf('/');
    String dir = slash < 0 ? "" : name.substring(0, slash + 1);
    String base = name.substring(slash + 1);
    List<String> candidates = new ArrayList<>();
    if (!rootInfo.consistentSnapshot()) {
      candidates.add(name);
    }
    for (String alg : List.of("sha512", "sha256")) {
      String h = info.hashes().get(alg);
      if (h != null) {
        candidates.add(dir + h + "." + base);
      }
    }
    for (String c : candidates) {
      String path = targetsPath.isEmpty() ? c : targetsPath + "/" + c;
      Optional<byte[]> bytes = source.fetch(path, info.length());
      if (bytes.isPresent()) {
        byte[] data = bytes.get();
        if (data.length != info.length()) {
          throw new LengthMismatchException(path, info.length(), data.length);
        }
        checkHashes(path, data, info.hashes());
        return data;
      }
    }
    throw new FileMissingException(
        (targetsPath.isEmpty() ? "" : targetsPath + "/") + candidates.get(candidates.size() - 1));
  }

  /** Checks every listed SHA-256 and SHA-512; other algorithms are ignored. */
  static void checkHashes(String file, byte[] data, Map<String, String> hashes) throws TufException {
    boolean any = false;
    for (var e : hashes.entrySet()) {
      String jca =
          switch (e.getKey()) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> null;
          };
      if (jca == null) {
        continue;
      }
      any = true;
      String actual;
      try {
        actual = HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(data));
      } catch (NoSuchAlgorithmException ex) {
        throw new IllegalStateException(ex);
      }
      if (!actual.equalsIgnoreCase(e.getValue())) {
        throw new HashMismatchException(file, e.getKey(), e.getValue(), actual);
      }
    }
    if (!any && !hashes.isEmpty()) {
      throw new MalformedMetadataException(file, "lists no sha256 or sha512 hash");
    }
  }

  /**
   * The metadata a client trusts after an update.
   *
   * @param rootChain every root version walked, the starting one first
   */
  public record Trusted(List<Metadata> rootChain, Metadata root, Metadata timestamp, Metadata snapshot, Metadata targets) {
    public Trusted {
      rootChain = List.copyOf(rootChain);
      Objects.requireNonNull(root, "root");
    }
  }

  /** Options of a {@link TufClient}. */
  public static final class Builder {
    private final byte[] trustedRoot;
    private final RepositorySource source;
    private Instant now = Instant.now();
    private String targetsPath = "targets";
    private long maxMetadataLength = DEFAULT_MAX_METADATA_LENGTH;
    private byte[] trustedTimestamp;
    private byte[] trustedSnapshot;
    private byte[] trustedTargets;

    private Builder(byte[] trustedRoot, RepositorySource source) {
      this.trustedRoot = Objects.requireNonNull(trustedRoot, "trustedRoot").clone();
      this.source = Objects.requireNonNull(source, "source");
    }

    /** The update time used for expiry checks (default: now). */
    public Builder time(Instant time) {
      this.now = Objects.requireNonNull(time);
      return this;
    }

    /** The folder of target files under the repository root (default {@code targets}). */
    public Builder targetsPath(String path) {
      String p = Objects.requireNonNull(path);
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      this.targetsPath = p;
      return this;
    }

    public Builder maxMetadataLength(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxMetadataLength must be positive");
      }
      this.maxMetadataLength = max;
      return this;
    }

    /** Previously trusted timestamp metadata, for rollback checks. */
    public Builder trustedTimestamp(byte[] bytes) {
      this.trustedTimestamp = bytes == null ? null : bytes.clone();
      return this;
    }

    /** Previously trusted snapshot metadata, for rollback checks. */
    public Builder trustedSnapshot(byte[] bytes) {
      this.trustedSnapshot = bytes == null ? null : bytes.clone();
      return this;
    }

    /** Previously trusted targets metadata. */
    public Builder trustedTargets(byte[] bytes) {
      this.trustedTargets = bytes == null ? null : bytes.clone();
      return this;
    }

    /**
     * Builds the client; the trusted root must parse and carry a threshold of its own root keys'
     * signatures.
     */
    public TufClient build() throws TufException {
      return new TufClient(this);
    }
  }
}
