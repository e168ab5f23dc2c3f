-- Loopgate schema, embedded (SQLite) dialect. Every row carries a workspace id so tenants can come
-- later without rewriting each table. Timestamps are ISO-8601 UTC strings (`toISOString`), which
-- sort correctly as text; JSON columns hold JSON text.

CREATE TABLE policies (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, version)
) STRICT;

CREATE TABLE users (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  queues TEXT NOT NULL,
  pii INTEGER NOT NULL,
  password_hash TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name)
) STRICT;

CREATE TABLE api_keys (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  actions TEXT,
  user_id TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE TABLE proposals (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  status TEXT NOT NULL,
  execution_status TEXT NOT NULL,
  idempotency_key TEXT,
  request_hash TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  info_due_at TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE UNIQUE INDEX proposals_idempotency_key ON proposals (workspace_id, agent_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX proposals_status_info_due ON proposals (workspace_id, status, info_due_at);

CREATE TABLE reviews (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  status TEXT NOT NULL,
  level INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  due_at TEXT NOT NULL,
  approvals_required INTEGER NOT NULL,
  approvers TEXT NOT NULL,
  claimed_by TEXT,
  claim_expires_at TEXT,
  action_type TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  summary TEXT,
  policy_version INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, proposal_id) REFERENCES proposals (workspace_id, id)
) STRICT;

CREATE INDEX reviews_status_due ON reviews (workspace_id, status, due_at, id);
CREATE INDEX reviews_queue_status_due ON reviews (workspace_id, queue, status, due_at, id);
CREATE INDEX reviews_proposal ON reviews (workspace_id, proposal_id);

CREATE TABLE decisions (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  by_id TEXT NOT NULL,
  by_name TEXT NOT NULL,
  at TEXT NOT NULL,
  category TEXT,
  comment TEXT,
  packet_hash TEXT,
  payload TEXT,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, review_id) REFERENCES reviews (workspace_id, id),
  FOREIGN KEY (workspace_id, proposal_id) REFERENCES proposals (workspace_id, id)
) STRICT;

CREATE INDEX decisions_proposal ON decisions (workspace_id, proposal_id, at);
CREATE INDEX decisions_review ON decisions (workspace_id, review_id);

-- The hash chain. The head is read inside each write transaction (BEGIN IMMEDIATE holds the
-- database's single write lock), so two processes writing the same file cannot fork the chain.
CREATE TABLE audit_entries (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  type TEXT NOT NULL,
  proposal_id TEXT,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (workspace_id, seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_entries_proposal ON audit_entries (workspace_id, proposal_id, seq);
CREATE INDEX audit_entries_type ON audit_entries (workspace_id, type, seq);
CREATE INDEX audit_entries_at ON audit_entries (workspace_id, at);
