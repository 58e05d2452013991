package dev.sigstack.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstack.core.tuf.Metadata;
import dev.sigstack.core.tuf.RepositorySource;
import dev.sigstack.core.tuf.TufClient;
import dev.sigstack.core.tuf.TufException;
import dev.sigstack.core.tuf.TufKey;
import dev.sigstack.core.tuf.TufSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A TUF repository on disk with consistent snapshots: {@code N.root.json} (every version kept),
 * {@code N.targets.json}, {@code N.snapshot.json}, {@code timestamp.json} and
 * {@code targets/<sha256>.<name>}. Targets list only SHA-256; snapshot and timestamp entries carry
 * version, length and SHA-256, which sigstore-java and tuf-js check.
 *
 * <p>Each operation writes new versions and then {@code timestamp.json} last, so a client reading
 * during an update sees either the old or the new repository.
 */
public final class TufRepository {

  /** The TUF specification version written into metadata. */
  public static final String SPEC_VERSION = "1.0.31";
  public static final List<String> ROLES = List.of("root", "targets", "snapshot", "timestamp");
  private static final Pattern VERSIONED = Pattern.compile("(\\d+)\\.(root|targets|snapshot)\\.json");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Path dir;
  private Metadata root;
  private Metadata targets;
  private Metadata snapshot;
  private Metadata timestamp;

  private TufRepository(Path dir) {
    this.dir = dir;
  }

  /** The folder that holds the metadata and {@code targets/}. */
  public Path dir() {
    return dir;
  }

  /**
   * Creates a repository in an empty or absent folder: version 1 of every role.
   *
   * @param signers private keys; enough of each role's keys to reach its threshold
   */
  public static TufRepository init(Path dir, Map<String, RoleSpec> roles, Map<String, Target> targetFiles,
      List<TufSigner> signers, Expiries expiries, Instant now)
      throws IOException, GeneralSecurityException, SigningException {
    checkRoles(roles);
    Files.createDirectories(dir);
    try (Stream<Path> s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException(dir + " is not empty; init writes a new repository");
      }
    }
    TufRepository repo = new TufRepository(dir);
    ObjectNode rootSigned = rootSigned(1, expires(now, expiries.root().toSeconds()), roles);
    repo.root = repo.write("1.root.json", rootSigned, signFor("root", roles.get("root"), signers));
    repo.writeTargets(1, new TreeMap<>(), targetFiles, Set.of(), signers, expiries, now);
    repo.writeSnapshotAndTimestamp(1, 1, signers, expiries, now);
    return repo;
  }

  /**
   * Opens the repository in {@code dir}, or creates it, then brings it to exactly {@code targets}
   * (adding, replacing and removing as needed) and refreshes snapshot and timestamp when either
   * expires within {@code refreshBefore}. For a launcher restarting with the same keys; the roles
   * must match the current root's (rotate the root deliberately with {@link #rotateRoot}).
   */
  public static TufRepository ensure(Path dir, Map<String, RoleSpec> roles, Map<String, Target> targets,
      List<TufSigner> signers, Expiries expiries, java.time.Duration refreshBefore, Instant now)
      throws IOException, GeneralSecurityException, SigningException, TufException {
    if (!Files.isDirectory(dir) || Files.notExists(dir.resolve("1.root.json"))) {
      return init(dir, roles, targets, signers, expiries, now);
    }
    TufRepository repo = open(dir);
    for (String r : ROLES) {
      if (!repo.role(r).equals(roles.get(r))) {
        throw new IllegalArgumentException("the repository's " + r + " keys differ from the ones given; "
            + "rotate the root explicitly");
      }
    }
    Map<String, Metadata.TargetFile> current = repo.targets.targets();
    Map<String, Target> put = new LinkedHashMap<>();
    for (var e : targets.entrySet()) {
      Metadata.TargetFile have = current.get(e.getKey());
      byte[] content = e.getValue().content();
      JsonNode custom = e.getValue().custom();
      if (have == null || have.length() != content.length
          || !hex("SHA-256", content).equals(have.hashes().get("sha256"))
          || !java.util.Objects.equals(custom, have.custom())) {
        put.put(e.getKey(), e.getValue());
      }
    }
    Set<String> remove = new java.util.TreeSet<>(current.keySet());
    remove.removeAll(targets.keySet());
    if (!put.isEmpty() || !remove.isEmpty()) {
      repo.putTargets(put, remove, signers, expiries, now);
    } else if (repo.snapshot.expires().isBefore(now.plus(refreshBefore))
        || repo.timestamp.expires().isBefore(now.plus(refreshBefore))) {
      repo.refresh(signers, expiries, now);
    }
    return repo;
  }

  /** Opens an existing repository: the newest root, and the timestamp's snapshot and targets. */
  public static TufRepository open(Path dir) throws IOException, TufException {
    TufRepository repo = new TufRepository(dir);
    long rootVersion = repo.newest("root");
    if (rootVersion == 0) {
      throw new IOException(dir + " holds no N.root.json; run init first");
    }
    repo.root = repo.read(rootVersion + ".root.json", "root");
    repo.timestamp = repo.read("timestamp.json", "timestamp");
    var snapMeta = repo.timestamp.meta().get("snapshot.json");
    repo.snapshot = repo.read(snapMeta.version() + ".snapshot.json", "snapshot");
    var targetsMeta = repo.snapshot.meta().get("targets.json");
    repo.targets = repo.read(targetsMeta.version() + ".targets.json", "targets");
    return repo;
  }

  /** The current metadata of each role. */
  public Map<String, Metadata> current() {
    Map<String, Metadata> m = new LinkedHashMap<>();
    m.put("root", root);
    m.put("targets", targets);
    m.put("snapshot", snapshot);
    m.put("timestamp", timestamp);
    return m;
  }

  /** The keys and threshold the current root gives a role. */
  public RoleSpec role(String role) {
    Metadata.RootInfo info;
    try {
      info = root.rootInfo();
    } catch (TufException e) {
      throw new IllegalStateException("current root is malformed: " + e.getMessage(), e);
    }
    var rk = info.roles().get(role);
    List<TufKey> keys = new ArrayList<>();
    for (String id : rk.keyIds()) {
      keys.add(info.keys().get(id));
    }
    return new RoleSpec(keys, rk.threshold());
  }

  /** The bytes of {@code N.root.json}. */
  public byte[] rootBytes(long version) throws IOException {
    return Files.readAllBytes(dir.resolve(version + ".root.json"));
  }

  /** Adds or replaces targets and removes others, then re-signs targets, snapshot and timestamp. */
  public void putTargets(Map<String, Target> put, Set<String> remove, List<TufSigner> signers, Expiries expiries,
      Instant now) throws IOException, GeneralSecurityException, SigningException, TufException {
    requireSigners(signers, "targets", "snapshot", "timestamp");
    SortedMap<String, JsonNode> entries = new TreeMap<>();
    targets.signed().get("targets").fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
    for (String name : remove) {
      if (entries.remove(name) == null) {
        throw new IllegalArgumentException("no target " + name + " to remove");
      }
    }
    writeTargets(targets.version() + 1, entries, put, Set.of(), signers, expiries, now);
    writeSnapshotAndTimestamp(snapshot.version() + 1, targets.version(), signers, expiries, now);
  }

  /** The current targets: name to content (read from {@code targets/}). */
  public Map<String, byte[]> targetContents() throws IOException, TufException {
    Map<String, byte[]> out = new TreeMap<>();
    for (var e : targets.targets().entrySet()) {
      out.put(e.getKey(), Files.readAllBytes(dir.resolve(targetPath(e.getKey(), e.getValue().hashes().get("sha256")))));
    }
    return out;
  }

  /**
   * Writes {@code N+1.root.json} with new role keys, signed by a threshold of the old root keys and
   * a threshold of the new ones. Targets, snapshot and timestamp are re-signed (new versions) when
   * their keys changed, and snapshot and timestamp are refreshed in any case.
   */
  public void rotateRoot(Map<String, RoleSpec> roles, List<TufSigner> signers, Expiries expiries, Instant now)
      throws IOException, GeneralSecurityException, SigningException, TufException {
    checkRoles(roles);
    for (String r : List.of("targets", "snapshot", "timestamp")) {
      if (!r.equals("targets") || !role(r).equals(roles.get(r))) {
        signFor(r + " (keys of the new root)", roles.get(r), signers);
      }
    }
    RoleSpec oldRoot = role("root");
    List<TufSigner> oldSigners = signFor("root (old keys of version " + root.version() + ")", oldRoot, signers);
    List<TufSigner> newSigners = signFor("root (new keys)", roles.get("root"), signers);
    Set<TufSigner> both = new LinkedHashSet<>(oldSigners);
    both.addAll(newSigners);
    long version = root.version() + 1;
    boolean targetsChanged = !role("targets").keyIds().equals(roles.get("targets").keyIds())
        || role("targets").threshold() != roles.get("targets").threshold();
    ObjectNode signed = rootSigned(version, expires(now, expiries.root().toSeconds()), roles);
    root = write(version + ".root.json", signed, List.copyOf(both));
    long targetsVersion = targets.version();
    if (targetsChanged) {
      SortedMap<String, JsonNode> entries = new TreeMap<>();
      targets.signed().get("targets").fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue()));
      targetsVersion++;
      writeTargets(targetsVersion, entries, Map.of(), Set.of(), signers, expiries, now);
    }
    writeSnapshotAndTimestamp(snapshot.version() + 1, targetsVersion, signers, expiries, now);
  }

  /** Writes a new snapshot and timestamp (the online roles) with fresh expiry. */
  public void refresh(List<TufSigner> signers, Expiries expiries, Instant now)
      throws IOException, GeneralSecurityException, SigningException, TufException {
    requireSigners(signers, "snapshot", "timestamp");
    writeSnapshotAndTimestamp(snapshot.version() + 1, targets.version(), signers, expiries, now);
  }

  /** Writes only a new timestamp for the current snapshot. */
  public void refreshTimestamp(List<TufSigner> signers, Expiries expiries, Instant now)
      throws IOException, GeneralSecurityException, SigningException, TufException {
    writeTimestamp(signers, expiries, now);
  }

  /**
   * Runs the TUF client workflow over this folder from {@code trustedRoot} and downloads every
   * target.
   *
   * @return the trusted metadata
   * @throws TufException the first failure, as a client would meet it
   */
  public TufClient.Trusted verify(byte[] trustedRoot, Instant now) throws TufException, IOException {
    TufClient client = TufClient.builder(trustedRoot, RepositorySource.directory(dir)).time(now).build();
    TufClient.Trusted trusted = client.refresh();
    for (String name : client.targets().keySet()) {
      client.target(name);
    }
    return trusted;
  }

  /** Every file of the repository, keyed by path relative to {@link #dir()}, in path order. */
  public SortedMap<String, byte[]> files() throws IOException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isSymbolicLink(p)) {
          throw new IOException("refusing to package the link " + p);
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().startsWith(".")) {
          out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }

  // --- writing --------------------------------------------------------------------------------

  private void writeTargets(long version, SortedMap<String, JsonNode> entries, Map<String, Target> put,
      Set<String> unused, List<TufSigner> signers, Expiries expiries, Instant now)
      throws IOException, GeneralSecurityException, SigningException {
    for (var e : put.entrySet()) {
      String name = e.getKey();
      checkTargetName(name);
      byte[] content = e.getValue().content();
      String sha256 = hex("SHA-256", content);
      Path file = dir.resolve(targetPath(name, sha256));
      Files.createDirectories(file.getParent());
      writeAtomically(file, content);
      ObjectNode entry = F.objectNode();
      entry.put("length", content.length);
      entry.putObject("hashes").put("sha256", sha256);
      if (e.getValue().custom() != null) {
        entry.set("custom", e.getValue().custom());
      }
      entries.put(name, entry);
    }
    ObjectNode signed = F.objectNode();
    signed.put("_type", "targets");
    signed.put("spec_version", SPEC_VERSION);
    signed.put("version", version);
    signed.put("expires", expires(now, expiries.targets().toSeconds()));
    ObjectNode t = signed.putObject("targets");
    entries.forEach(t::set);
    targets = write(version + ".targets.json", signed, signFor("targets", role("targets"), signers));
  }

  private void writeSnapshotAndTimestamp(long snapshotVersion, long targetsVersion, List<TufSigner> signers,
      Expiries expiries, Instant now) throws IOException, GeneralSecurityException, SigningException {
    byte[] targetsBytes = Files.readAllBytes(dir.resolve(targetsVersion + ".targets.json"));
    ObjectNode signed = F.objectNode();
    signed.put("_type", "snapshot");
    signed.put("spec_version", SPEC_VERSION);
    signed.put("version", snapshotVersion);
    signed.put("expires", expires(now, expiries.snapshot().toSeconds()));
    signed.putObject("meta").set("targets.json", metaEntry(targetsVersion, targetsBytes));
    snapshot = write(snapshotVersion + ".snapshot.json", signed, signFor("snapshot", role("snapshot"), signers));
    writeTimestamp(signers, expiries, now);
  }

  private void writeTimestamp(List<TufSigner> signers, Expiries expiries, Instant now)
      throws IOException, GeneralSecurityException, SigningException {
    long version = timestamp == null ? 1 : timestamp.version() + 1;
    ObjectNode signed = F.objectNode();
    signed.put("_type", "timestamp");
    signed.put("spec_version", SPEC_VERSION);
    signed.put("version", version);
    signed.put("expires", expires(now, expiries.timestamp().toSeconds()));
    signed.putObject("meta").set("snapshot.json", metaEntry(snapshot.version(), snapshot.raw()));
    timestamp = write("timestamp.json", signed, signFor("timestamp", role("timestamp"), signers));
  }

  private static ObjectNode metaEntry(long version, byte[] bytes) {
    ObjectNode m = F.objectNode();
    m.put("version", version);
    m.put("length", bytes.length);
    m.putObject("hashes").put("sha256", hex("SHA-256", bytes));
    return m;
  }

  private static ObjectNode rootSigned(long version, String expires, Map<String, RoleSpec> roles) {
    ObjectNode signed = F.objectNode();
    signed.put("_type", "root");
    signed.put("spec_version", SPEC_VERSION);
    signed.put("version", version);
    signed.put("expires", expires);
    signed.put("consistent_snapshot", true);
    ObjectNode keys = signed.putObject("keys");
    ObjectNode rolesNode = signed.putObject("roles");
    for (String role : ROLES) {
      RoleSpec spec = roles.get(role);
      ObjectNode r = rolesNode.putObject(role);
      var ids = r.putArray("keyids");
      for (TufKey k : spec.keys()) {
        keys.set(k.keyId(), k.toJson());
        ids.add(k.keyId());
      }
      r.put("threshold", spec.threshold());
    }
    return signed;
  }

  private Metadata write(String name, ObjectNode signed, List<TufSigner> signers)
      throws IOException, GeneralSecurityException {
    byte[] bytes = Metadata.sign(signed, signers);
    writeAtomically(dir.resolve(name), bytes);
    try {
      return Metadata.parse(name, bytes);
    } catch (TufException e) {
      throw new IllegalStateException("wrote unreadable metadata " + name, e);
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Fails before anything is written when a role's threshold cannot be reached. */
  private void requireSigners(List<TufSigner> signers, String... roles) throws SigningException {
    for (String r : roles) {
      signFor(r, role(r), signers);
    }
  }

  /** The signers among {@code signers} that hold keys of {@code spec}; at least its threshold. */
  static List<TufSigner> signFor(String role, RoleSpec spec, List<TufSigner> signers) throws SigningException {
    Set<String> ids = Set.copyOf(spec.keyIds());
    List<TufSigner> mine = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (TufSigner s : signers) {
      if (ids.contains(s.key().keyId()) && seen.add(s.key().keyId())) {
        mine.add(s);
      }
    }
    if (mine.size() < spec.threshold()) {
      throw new SigningException(role, spec.threshold(), mine.size(), "role key IDs " + spec.keyIds());
    }
    return mine;
  }

  static String targetPath(String name, String sha256) {
    int slash = name.lastIndexOf('/');
    return "targets/" + name.substring(0, slash + 1) + sha256 + "." + name.substring(slash + 1);
  }

  private static void checkTargetName(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.endsWith("/") || name.contains("\\")
        || ("/" + name + "/").contains("/../") || ("/" + name + "/").contains("/./") || name.contains("//")) {
      throw new IllegalArgumentException("bad target name " + name);
    }
  }

  private static void checkRoles(Map<String, RoleSpec> roles) {
    for (String r : ROLES) {
      if (roles.get(r) == null) {
        throw new IllegalArgumentException("no keys given for role " + r);
      }
    }
  }

  private static String expires(Instant now, long seconds) {
    return now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(seconds).toString();
  }

  static String hex(String alg, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private long newest(String role) throws IOException {
    long max = 0;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Matcher m = VERSIONED.matcher(p.getFileName().toString());
        if (m.matches() && m.group(2).equals(role)) {
          max = Math.max(max, Long.parseLong(m.group(1)));
        }
      }
    }
    return max;
  }

  private Metadata read(String name, String type) throws IOException, TufException {
    Path p = dir.resolve(name);
    if (!Files.isRegularFile(p)) {
      throw new IOException(dir + " has no " + name);
    }
    return Metadata.parse(name, Files.readAllBytes(p), type);
  }
}
