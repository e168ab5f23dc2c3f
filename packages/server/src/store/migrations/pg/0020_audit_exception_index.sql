-- The audit log's index by type holds only the exceptions: besides the two types every proposal writes
-- (migration 0017), it leaves out the rest of a proposal's ordinary life — its review opened, claimed
-- and decided, its execution granted or queued, attempted, and executed or reported by the agent (see
-- the SQLite migration). The list query repeats the condition, word for word.
DROP INDEX audit_entries_type;
CREATE INDEX audit_entries_type ON audit_entries (workspace_id, type, seq)
  WHERE type NOT IN ('proposal.submitted', 'proposal.routed', 'review.opened', 'review.claimed',
    'decision.recorded', 'execution.granted', 'execution.queued', 'execution.attempt_started',
    'execution.executed', 'execution.reported');
