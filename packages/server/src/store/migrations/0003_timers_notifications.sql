-- Escalation ladders, notifications and bypass resistance (SPEC §3, §11).

-- Reminders before a review's due time. One row per reminder, scheduled when the review opens; firing
-- moves it from pending to fired with a version check, in the same transaction as its audit entry, so of
-- several replicas and restarts exactly one fires it.
CREATE TABLE review_timers (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  fire_at TEXT NOT NULL,
  status TEXT NOT NULL,
  before_ms INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  fired_at TEXT,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX review_timers_due ON review_timers (workspace_id, status, fire_at, id);
CREATE UNIQUE INDEX review_timers_one_per_offset ON review_timers (workspace_id, review_id, kind, before_ms);

-- The notification outbox: one row per event and channel, written in the same transaction that
-- advances the notification feed over the audit log. `id` is the webhook-id, stable across retries.
-- While a delivery is being sent, status is `sending` and next_attempt_at is the end of its lease.
CREATE TABLE notifications (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  channel TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  review_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  doc TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX notifications_due ON notifications (workspace_id, status, next_attempt_at, id);
CREATE INDEX notifications_review ON notifications (workspace_id, review_id, created_at);
CREATE INDEX notifications_status_created ON notifications (workspace_id, status, created_at, id);

-- How far a consumer of the audit log has read (the notification feed). Advanced with a check on the
-- previous position, so two replicas never both turn the same entries into deliveries. A new database
-- starts at 0; an upgraded one starts at its head, so history is not notified again.
CREATE TABLE feed_cursors (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  name TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, name)
) STRICT;

INSERT INTO feed_cursors (workspace_id, name, seq)
  SELECT 'default', 'notifications', COALESCE(MAX(seq), 0) FROM audit_entries WHERE workspace_id = 'default';

-- Bypass resistance: an agent's refused proposals of one action type, newest first ...
CREATE INDEX proposals_agent_type_status_created
  ON proposals (workspace_id, agent_id, action_type, status, created_at);

-- ... and the amounts proposed for an entity (written with the proposal), to see a refused amount split.
CREATE TABLE proposal_amounts (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  proposal_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  entity TEXT NOT NULL,
  amount REAL NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, proposal_id)
) STRICT;

CREATE INDEX proposal_amounts_entity ON proposal_amounts (workspace_id, action_type, entity, created_at);
