-- The response a submission was answered with, kept as its own column for idempotent replays (the
-- exact bytes, SPEC §6). It used to sit inside the document as a JSON string (`doc.response`), so every
-- read of a proposal parsed ~2 KB of escaped text that only a replay needs, and every write of the
-- document escaped it again. Rows written before keep it in the document, where a replay still finds it.
ALTER TABLE proposals ADD COLUMN response TEXT;
