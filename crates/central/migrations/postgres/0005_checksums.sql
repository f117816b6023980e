-- Each scope's checksum: the XOR of its live entries' hashes (protocol::entry_hash),
-- kept up to date in the writing transaction like its head.
ALTER TABLE scope_head ADD COLUMN checksum BIGINT NOT NULL DEFAULT 0;
