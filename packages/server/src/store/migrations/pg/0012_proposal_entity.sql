-- A proposal's entity (`context.entity`, e.g. `customer:c_123`) as a column of its own, written with
-- the document, replacing migration 0004's index over the JSON expression (see the SQLite migration).
-- A string is kept as it is and a number as its text; any other value (or none) leaves it null.
ALTER TABLE proposals ADD COLUMN entity TEXT COLLATE "C";

UPDATE proposals SET entity = doc->'context'->>'entity'
  WHERE jsonb_typeof(doc->'context'->'entity') IN ('string', 'number');

DROP INDEX proposals_entity;
CREATE INDEX proposals_entity ON proposals (workspace_id, entity, created_at, id) WHERE entity IS NOT NULL;
