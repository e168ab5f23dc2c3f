-- What a reconciliation review settles, as JSON on the review, fixed when it opens (see the SQLite
-- migration): the review list says so per row without reading the executions.
ALTER TABLE reviews ADD COLUMN reconciliation JSONB;

-- Reviews opened before this migration: the review an execution names is its reconciliation review;
-- its server-written summary says which outcome opened it when the execution has been settled since.
UPDATE reviews r SET reconciliation = jsonb_build_object(
  'executionId', e.id,
  'kind', e.kind,
  'outcome', CASE
    WHEN e.status IN ('unknown', 'dead_lettered') THEN e.status
    WHEN r.summary LIKE '%: outcome unknown (%' THEN 'unknown'
    ELSE 'dead_lettered'
  END)
FROM executions e
WHERE e.workspace_id = r.workspace_id AND e.reconciliation_review_id = r.id;
