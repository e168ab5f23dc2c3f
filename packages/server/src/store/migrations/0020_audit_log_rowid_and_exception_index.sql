-- The audit log becomes an ordinary (rowid) table, and its index by type holds only the exceptions.
--
-- 1. It was a WITHOUT ROWID table: its rows lived in the primary key's b-tree, which SQLite keeps as an
--    index b-tree, whose interior pages hold whole rows (up to ~1 KB of each) rather than keys and
--    whose leaves spill entries over ~1 KB to overflow pages. With ~500-byte entries an interior page
--    holds a handful, so the tree is deep and every commit rewrote several interior pages: 1.27 WAL
--    frames a cycle of the approval benchmark (0.27 a proposal), besides the leaves. SQLite advises
--    WITHOUT ROWID for rows under a twentieth of a page. As a rowid table an entry is appended at the
--    table's right edge, interior pages hold row ids, and the key (workspace, seq) is a small index
--    appended in the same order: 3.0 → 2.1 frames a cycle for the log and its key. The rows are copied
--    in `seq` order, so row ids follow the chain.
-- 2. `audit_entries_type` left out the two types every proposal writes (migration 0017); it now also
--    leaves out the rest of a proposal's ordinary life — its review opened, claimed and decided, its
--    execution granted or queued, attempted, and executed or reported by the agent — each a large
--    share of any log, so a list of one reads the log in order and finds a match every few entries,
--    while the index cost a leaf page a type at every commit (1.36 frames a cycle). What it keeps are
--    the exceptions an auditor looks for: expiries, escalations, blocks, failures, rollbacks, stops,
--    keys, users, policies. The list query repeats the index's condition, word for word
--    (`store/audit-list-sql.ts`).
CREATE TABLE audit_entries_rowid (
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
) STRICT;

INSERT INTO audit_entries_rowid
  (workspace_id, seq, at, actor_kind, actor_id, actor_name, type, proposal_id, data, prev_hash, hash)
SELECT workspace_id, seq, at, actor_kind, actor_id, actor_name, type, proposal_id, data, prev_hash, hash
FROM audit_entries ORDER BY workspace_id, seq;

DROP TABLE audit_entries;
ALTER TABLE audit_entries_rowid RENAME TO audit_entries;

CREATE INDEX audit_entries_proposal ON audit_entries (workspace_id, proposal_id, seq);
CREATE INDEX audit_entries_type ON audit_entries (workspace_id, type, seq)
  WHERE type NOT IN ('proposal.submitted', 'proposal.routed', 'review.opened', 'review.claimed',
    'decision.recorded', 'execution.granted', 'execution.queued', 'execution.attempt_started',
    'execution.executed', 'execution.reported');
