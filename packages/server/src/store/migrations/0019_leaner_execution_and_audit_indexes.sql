-- Indexes that exist to find executions in one state hold only those executions, and the audit log
-- keeps no index the embedded store never reads.
--
-- `executions_queued` and `executions_leased` serve the dispatcher, which looks for queued executions
-- that are due and executing ones whose lease ran out, each by a status written as a literal;
-- `executions_review` finds the execution a reconciliation review is about, and most executions have
-- none. Every execution had an entry in all three, written when it was created and moved with each
-- status change, for rows no query looks up there (an agent's granted execution, every executed one).
DROP INDEX executions_queued;
CREATE INDEX executions_queued ON executions (workspace_id, next_attempt_at, id) WHERE status = 'queued';
DROP INDEX executions_leased;
CREATE INDEX executions_leased ON executions (workspace_id, lease_expires_at) WHERE status = 'executing';
DROP INDEX executions_review;
CREATE INDEX executions_review ON executions (workspace_id, reconciliation_review_id)
  WHERE reconciliation_review_id IS NOT NULL;

-- `audit_entries_at` (workspace, time): SQLite's planner, which the embedded store gives no statistics,
-- answers the audit list's time filter by walking the log in `seq` order (the primary key) and never
-- reads this index, while every audit entry — three for each proposal — wrote an entry in it.
DROP INDEX audit_entries_at;

-- The circuit breakers read the executions of a pair that changed in the partial hours at the two ends
-- of their window (migration 0018) every 5 s, on the event loop; with the kind and status in the index
-- that read no longer fetches each row from the table (on a 4 GB database right after another
-- connection's commit: 2.2 ms → 0.3 ms a pair).
DROP INDEX executions_by_pair;
CREATE INDEX executions_by_pair ON executions (workspace_id, agent_id, action_type, updated_at, kind, status);
