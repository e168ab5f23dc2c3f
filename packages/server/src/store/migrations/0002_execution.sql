-- Execution you can trust (SPEC §3, §5, §6): the outbox of executions with their attempts and lease,
-- the stops in force, and the grants already used.

-- One row per execution of an approved action (kind `execute`) or of its rollback (kind `rollback`).
-- It is inserted in the same transaction as the decision or route that made the action executable,
-- so "decided" and "will execute" are one write. `id` is the webhook-id and Idempotency-Key.
CREATE TABLE executions (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT,
  lease_owner TEXT,
  lease_expires_at TEXT,
  reconciliation_review_id TEXT,
  rollback_of TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX executions_queued ON executions (workspace_id, status, next_attempt_at, id);
CREATE INDEX executions_leased ON executions (workspace_id, status, lease_expires_at);
CREATE INDEX executions_proposal ON executions (workspace_id, proposal_id, created_at);
CREATE INDEX executions_review ON executions (workspace_id, reconciliation_review_id);
-- At most one execution of each kind per proposal: a replayed decision can never queue a second one.
CREATE UNIQUE INDEX executions_one_per_kind ON executions (workspace_id, proposal_id, kind);

-- An owner's halt of automation. Both agent_id and action_type null: everything.
CREATE TABLE stops (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  agent_id TEXT,
  action_type TEXT,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  lifted_at TEXT,
  lifted_by TEXT,
  version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX stops_in_force ON stops (workspace_id, lifted_at);

-- Grants reported as used; the primary key refuses a second use.
CREATE TABLE used_grants (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  grant_id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  used_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, grant_id)
) STRICT;
