-- A proposal's entity (`context.entity`, e.g. `customer:c_123`) as a column of its own, written with
-- the document. Migration 0004 indexed the JSON expression instead, which made SQLite parse the whole
-- document on every insert and update of a proposal (about 20 µs of the writer's time each); the
-- column costs nothing to index. A string is kept as it is and a number as its text, as PostgreSQL's
-- `->>` reads them; any other value (or none) leaves it null, outside the partial index.
ALTER TABLE proposals ADD COLUMN entity TEXT;

UPDATE proposals SET entity = CAST(json_extract(doc, '$.context.entity') AS TEXT)
  WHERE json_type(doc, '$.context.entity') IN ('text', 'integer', 'real');

DROP INDEX proposals_entity;
CREATE INDEX proposals_entity ON proposals (workspace_id, entity, created_at, id) WHERE entity IS NOT NULL;
