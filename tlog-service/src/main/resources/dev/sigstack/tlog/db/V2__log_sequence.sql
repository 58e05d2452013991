-- V2: the sequencer's counter in its own row, apart from the integrator's state. With both in log_state, the
-- sequencer's SELECT ... FOR UPDATE waited for each whole integration transaction (tiles, bundles, checkpoint
-- and its commit) and the integrator waited for each sequenced batch: they ran in turn. log_state.next_index is
-- no longer read or written.
CREATE TABLE log_sequence (
    log VARCHAR(200) PRIMARY KEY,
    next_index BIGINT NOT NULL
);
INSERT INTO log_sequence (log, next_index) SELECT log, next_index FROM log_state;
