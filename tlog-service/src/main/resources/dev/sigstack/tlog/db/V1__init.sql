-- V1: the log store. One row per log in log_state; entries keyed by (log, idx); tiles hold C2SP hash tiles
-- (level >= 0) and entry bundles (level = -1), each row the newest (possibly partial) version of that tile.
CREATE TABLE log_state (
    log VARCHAR(200) PRIMARY KEY,
    next_index BIGINT NOT NULL,
    integrated_size BIGINT NOT NULL,
    root_hash ${BYTES} NOT NULL,
    checkpoint ${TEXT} NOT NULL
);
CREATE TABLE entries (
    log VARCHAR(200) NOT NULL,
    idx BIGINT NOT NULL,
    leaf_data ${BYTES} NOT NULL,
    extra_data ${BYTES} NOT NULL,
    integrated_time BIGINT NOT NULL,
    dedup_key ${BYTES} NOT NULL,
    PRIMARY KEY (log, idx)
);
CREATE UNIQUE INDEX entries_dedup ON entries (log, dedup_key);
CREATE TABLE index_keys (
    log VARCHAR(200) NOT NULL,
    lookup VARCHAR(600) NOT NULL,
    idx BIGINT NOT NULL,
    PRIMARY KEY (log, lookup, idx)
);
CREATE TABLE tiles (
    log VARCHAR(200) NOT NULL,
    level INT NOT NULL,
    idx BIGINT NOT NULL,
    data ${BYTES} NOT NULL,
    PRIMARY KEY (log, level, idx)
);
CREATE TABLE cosignatures (
    log VARCHAR(200) NOT NULL,
    tree_size BIGINT NOT NULL,
    witness VARCHAR(200) NOT NULL,
    line ${TEXT} NOT NULL,
    PRIMARY KEY (log, tree_size, witness)
);
CREATE TABLE leases (
    log VARCHAR(200) PRIMARY KEY,
    holder_url VARCHAR(1000) NOT NULL
);
