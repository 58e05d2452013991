-- V3: the sequencing lease is a row with an expiry and a fencing token instead of a PostgreSQL session advisory
-- lock. An advisory lock lives as long as its session, and the server notices a frozen or cut-off holder only
-- when TCP keepalive gives up (about 2 hours on Linux). holder_id names the Lease object that holds the row,
-- epoch grows by one at every acquisition (the sequencer's and integrator's transactions check it), and
-- expires_at (the database's clock) ends the lease unless the holder renews it (NULL: free). holder_pid is the
-- backend of the holder's lease connection: when that backend is gone (the holder was killed), a standby need not
-- wait for the expiry.
ALTER TABLE leases ADD COLUMN holder_id VARCHAR(100) DEFAULT '' NOT NULL;
ALTER TABLE leases ADD COLUMN epoch BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE leases ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE leases ADD COLUMN holder_pid INT;
