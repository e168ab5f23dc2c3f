-- The response a submission was answered with, kept as its own column for idempotent replays (see the
-- SQLite migration). Rows written before keep it in the document (`doc.response`).
ALTER TABLE proposals ADD COLUMN response TEXT;
