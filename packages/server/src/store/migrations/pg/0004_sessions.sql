-- People's sign-in sessions (the reviewer app). The cookie holds a random secret; only its SHA-256 is
-- stored, so a copy of the database cannot be replayed as a cookie. A session ends at its absolute
-- expiry, after the idle window since it was last seen, or when signed out (`ended_at`).

CREATE TABLE sessions (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  token_hash TEXT COLLATE "C" NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  last_seen_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  ended_at TEXT COLLATE "C",
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, token_hash)
);

CREATE INDEX sessions_by_user ON sessions (workspace_id, user_id);

-- The reviewer app shows an entity's recent proposals (`context.entity`, e.g. `customer:c_123`).
CREATE INDEX proposals_entity ON proposals (workspace_id, (doc->'context'->>'entity'), created_at, id);
