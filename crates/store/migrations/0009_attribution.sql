-- Who made each queued command: the associate signed in on the device (NULL for
-- commands queued before associates signed in on every device).
ALTER TABLE outbox ADD COLUMN associate_id TEXT;
