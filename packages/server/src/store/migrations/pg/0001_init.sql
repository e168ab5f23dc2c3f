-- Loopgate schema, PostgreSQL dialect. Every row carries a workspace id so tenants can come later
-- without rewriting each table. Timestamps are ISO-8601 UTC strings (`toISOString`) kept as text so
-- rows read back exactly as written; ids and timestamps use the "C" collation so they sort bytewise,
-- the same order as the embedded store and the cursors.

CREATE TABLE policies (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  version INTEGER NOT NULL,
  text TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (workspace_id, version)
);

CREATE TABLE users (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  queues JSONB NOT NULL,
  pii BOOLEAN NOT NULL,
  password_hash TEXT,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name)
);

CREATE TABLE api_keys (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  actions JSONB,
  user_id TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C",
  revoked_at TEXT COLLATE "C",
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE proposals (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT NOT NULL,
  status TEXT NOT NULL,
  execution_status TEXT NOT NULL,
  idempotency_key TEXT,
  request_hash TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  info_due_at TEXT COLLATE "C",
  version INTEGER NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  doc JSONB NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE UNIQUE INDEX proposals_idempotency_key ON proposals (workspace_id, agent_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX proposals_status_info_due ON proposals (workspace_id, status, info_due_at);

CREATE TABLE reviews (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  proposal_id TEXT COLLATE "C" NOT NULL,
  queue TEXT NOT NULL,
  status TEXT NOT NULL,
  level INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  due_at TEXT COLLATE "C" NOT NULL,
  approvals_required INTEGER NOT NULL,
  approvers JSONB NOT NULL,
  claimed_by JSONB,
  claim_expires_at TEXT COLLATE "C",
  action_type TEXT NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  summary TEXT,
  policy_version INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, proposal_id) REFERENCES proposals (workspace_id, id)
);

CREATE INDEX reviews_status_due ON reviews (workspace_id, status, due_at, id);
CREATE INDEX reviews_queue_status_due ON reviews (workspace_id, queue, status, due_at, id);
CREATE INDEX reviews_proposal ON reviews (workspace_id, proposal_id);

CREATE TABLE decisions (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  review_id TEXT COLLATE "C" NOT NULL,
  proposal_id TEXT COLLATE "C" NOT NULL,
  verdict TEXT NOT NULL,
  by_id TEXT NOT NULL,
  by_name TEXT NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  category TEXT,
  comment TEXT,
  packet_hash TEXT,
  payload JSONB,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, review_id) REFERENCES reviews (workspace_id, id),
  FOREIGN KEY (workspace_id, proposal_id) REFERENCES proposals (workspace_id, id)
);

CREATE INDEX decisions_proposal ON decisions (workspace_id, proposal_id, at);
CREATE INDEX decisions_review ON decisions (workspace_id, review_id);

CREATE TABLE audit_entries (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  seq BIGINT NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  type TEXT NOT NULL,
  proposal_id TEXT COLLATE "C",
  data JSONB NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (workspace_id, seq)
);

CREATE INDEX audit_entries_proposal ON audit_entries (workspace_id, proposal_id, seq);
CREATE INDEX audit_entries_type ON audit_entries (workspace_id, type, seq);
CREATE INDEX audit_entries_at ON audit_entries (workspace_id, at);

-- One row per workspace: the chain head. Every batch that appends entries locks it first
-- (SELECT ... FOR UPDATE), which serialises appends across processes and replicas sharing the
-- database; the row is created by the store's migrate() for its workspace.
CREATE TABLE audit_heads (
  workspace_id TEXT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
