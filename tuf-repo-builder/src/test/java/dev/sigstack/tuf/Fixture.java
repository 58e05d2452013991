package dev.sigstack.tuf;

import dev.sigstack.core.tuf.TufSigner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A development stack, its keys loaded as signers, and a repository built from it. */
final class Fixture {
  final DevStack.DevFiles files;
  final TufSigner root1;
  final TufSigner root2;
  final TufSigner root3;
  final TufSigner targets;
  final TufSigner snapshot;
  final TufSigner timestamp;
  final TufSigner ed25519;
  final Path repoDir;
  final Instant now;

  Fixture(Path tmp, Instant now) throws Exception {
    this.now = now;
    files = DevStack.write(tmp.resolve("keys"), "https://sigstack.internal", now);
    root1 = Keys.signer(files.rootKey1().toString());
    root2 = Keys.signer(files.rootKey2().toString());
    root3 = Keys.signer(files.rootKey3().toString());
    targets = Keys.signer(files.targetsKey().toString());
    snapshot = Keys.signer(files.snapshotKey().toString());
    timestamp = Keys.signer(files.timestampKey().toString());
    ed25519 = Keys.signer(files.ed25519Key().toString());
    repoDir = tmp.resolve("repository");
  }

  /** 2-of-3 root (root1..3), one key for each other role. */
  Map<String, RoleSpec> roles() {
    Map<String, RoleSpec> r = new LinkedHashMap<>();
    r.put("root", new RoleSpec(List.of(root1.key(), root2.key(), root3.key()), 2));
    r.put("targets", new RoleSpec(List.of(targets.key()), 1));
    r.put("snapshot", new RoleSpec(List.of(snapshot.key()), 1));
    r.put("timestamp", new RoleSpec(List.of(timestamp.key()), 1));
    return r;
  }

  /** root1, root2 and the online and targets keys. */
  List<TufSigner> signers() {
    return new ArrayList<>(List.of(root1, root2, targets, snapshot, timestamp));
  }

  TufRepository init() throws Exception {
    return TufRepository.init(repoDir, roles(), StackTargets.of(StackFile.read(files.stackFile()), now), signers(),
        Expiries.DEFAULT, now);
  }
}
