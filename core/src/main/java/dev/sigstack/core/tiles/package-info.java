/**
 * C2SP tlog-tiles (<a href="https://c2sp.org/tlog-tiles">c2sp.org/tlog-tiles</a>): tile and entry-bundle
 * paths, the byte layout of hash tiles and entry bundles, and reading any complete-subtree hash from tiles.
 *
 * <p>A tile at level {@code L} and index {@code N} holds up to 256 consecutive 32-byte hashes of the tree
 * nodes at height {@code 8L}, starting with node {@code 256N}. A partial tile of width {@code W} is the
 * first {@code W} hashes; hashes never change once written, so a partial tile is a prefix of every later
 * version. An entry bundle holds up to 256 entries, each a big-endian uint16 length and that many bytes.
 */
package dev.sigstack.core.tiles;
