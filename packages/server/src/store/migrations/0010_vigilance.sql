-- Reviewer vigilance (SPEC §5). What each reviewer was seen doing with each review they worked: when
-- they first opened the packet, when they first had its evidence shown, their first judgement on a
-- blind review, and the packet's size. One row per review and person, its facts set once (first wins).
CREATE TABLE review_activity (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  review_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  first_opened_at TEXT,
  evidence_opened_at TEXT,
  judgement TEXT,
  packet_chars INTEGER,
  evidence_items INTEGER,
  PRIMARY KEY (workspace_id, review_id, user_id)
) STRICT;

-- Seeded known-bad proposals. The proposal and its review are ordinary rows (so reviewers cannot tell
-- them apart); this table is what marks them, for vigilance reports and to keep them out of metrics,
-- calibration, history and execution.
CREATE TABLE canaries (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  proposal_id TEXT NOT NULL,
  name TEXT NOT NULL,
  expect TEXT NOT NULL,
  trigger_proposal_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, proposal_id)
) STRICT;

-- Vigilance reads decisions by time window.
CREATE INDEX IF NOT EXISTS decisions_at ON decisions (workspace_id, at);
