-- Notifications about proposals that never open a review (blocked, held) have no review: review_id
-- becomes nullable. SQLite cannot drop a NOT NULL constraint, so the table is rebuilt.
CREATE TABLE notifications_new (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  channel TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  review_id TEXT,
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

INSERT INTO notifications_new SELECT workspace_id, id, event_type, channel, proposal_id, review_id, status,
  attempts, next_attempt_at, last_error, version, created_at, updated_at, sent_at, doc FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX notifications_due ON notifications (workspace_id, status, next_attempt_at, id);
CREATE INDEX notifications_review ON notifications (workspace_id, review_id, created_at);
CREATE INDEX notifications_status_created ON notifications (workspace_id, status, created_at, id);
