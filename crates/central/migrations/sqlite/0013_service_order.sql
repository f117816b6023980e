-- The order services were first offered in, kept in a column of its own: it was
-- SQLite's rowid, which PostgreSQL has no equivalent of.
ALTER TABLE service ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE service SET position = rowid;
