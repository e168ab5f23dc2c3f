-- What a reconciliation review settles — the execution, whether it is the action or its rollback, and
-- whether its outcome was unknown or its delivery given up — as JSON on the review, fixed when the
-- review opens (SPEC §3). The review list says so per row without reading the executions, and no
-- client has to guess it from a summary an agent could have written.
ALTER TABLE reviews ADD COLUMN reconciliation TEXT;

-- Reviews opened before this migration: the review an execution names is its reconciliation review
-- (an escalated one's predecessor, already closed, stays null). Its summary was written by the server:
-- it says which outcome opened it when the execution has been settled since.
UPDATE reviews SET reconciliation = (
  SELECT json_object(
    'executionId', e.id,
    'kind', e.kind,
    'outcome', CASE
      WHEN e.status IN ('unknown', 'dead_lettered') THEN e.status
      WHEN reviews.summary LIKE '%: outcome unknown (%' THEN 'unknown'
      ELSE 'dead_lettered'
    END)
  FROM executions e
  WHERE e.workspace_id = reviews.workspace_id AND e.reconciliation_review_id = reviews.id
)
-- Driven by the executions that name a review (a partial index), not by a probe per review: a store
-- with a million reviews and a handful of reconciliations migrates in milliseconds.
WHERE (workspace_id, id) IN (
  SELECT workspace_id, reconciliation_review_id FROM executions WHERE reconciliation_review_id IS NOT NULL
);
