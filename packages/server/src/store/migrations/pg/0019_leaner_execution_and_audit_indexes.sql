-- Indexes that exist to find executions in one state hold only those executions (see the SQLite
-- migration). PostgreSQL keeps `audit_entries_at`: with statistics its planner may read the audit
-- list's time filter through it.
DROP INDEX executions_queued;
CREATE INDEX executions_queued ON executions (workspace_id, next_attempt_at, id) WHERE status = 'queued';
DROP INDEX executions_leased;
CREATE INDEX executions_leased ON executions (workspace_id, lease_expires_at) WHERE status = 'executing';
DROP INDEX executions_review;
CREATE INDEX executions_review ON executions (workspace_id, reconciliation_review_id)
  WHERE reconciliation_review_id IS NOT NULL;
