/**
 * The transparency log's API: an append-only Merkle log with RFC 6962 hashing
 * (<a href="https://www.rfc-editor.org/rfc/rfc6962">RFC 6962</a>), stored as C2SP tlog-tiles
 * (<a href="https://c2sp.org/tlog-tiles">c2sp.org/tlog-tiles</a>) and published as C2SP signed-note checkpoints
 * (<a href="https://c2sp.org/tlog-checkpoint">c2sp.org/tlog-checkpoint</a>).
 */
package dev.sigstack.tlog;
