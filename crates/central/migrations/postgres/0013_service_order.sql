-- The order services were first offered in (SQLite took it from its rowid).
ALTER TABLE service ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
