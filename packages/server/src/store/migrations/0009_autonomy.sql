-- Earned autonomy (SPEC §5) and outcomes (SPEC §6, POST /v1/proposals/:id/outcome).
-- outcomes: what happened after an action ran (fine, incident, note), recorded by the agent or people.
-- autonomy_stages: the stage in force per agent and action type when a promotion or a demotion set one;
--   absent, the policy file's stage applies. It outlives policy files loaded later, like thresholds.
-- autonomy_changes: every promotion and demotion, with the breaker reading that tripped.
-- autonomy_promotions: a promotion one owner asked for and a different owner approves.
-- unattended_reviews: decisions on actions that already ran, for the override breaker.

CREATE TABLE outcomes (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT,
  comment TEXT,
  recorded_by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX outcomes_by_proposal ON outcomes (workspace_id, proposal_id, at);
CREATE INDEX outcomes_by_pair ON outcomes (workspace_id, agent_id, action_type, at);

CREATE TABLE autonomy_stages (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  stage TEXT NOT NULL,
  change_id TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  changed_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, agent_id, action_type)
) STRICT;

CREATE TABLE autonomy_changes (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  kind TEXT NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  reason TEXT NOT NULL,
  breaker TEXT,
  promotion_id TEXT,
  changed_by TEXT,
  at TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX autonomy_changes_by_at ON autonomy_changes (workspace_id, at, id);

CREATE TABLE autonomy_promotions (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  status TEXT NOT NULL,
  comment TEXT,
  evidence TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  approved_by TEXT,
  policy_version INTEGER,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX autonomy_promotions_by_pair ON autonomy_promotions (workspace_id, agent_id, action_type, status);
-- At most one promotion waiting for approval per agent and action type.
CREATE UNIQUE INDEX autonomy_promotions_one_requested ON autonomy_promotions (workspace_id, agent_id, action_type)
  WHERE status = 'requested';

-- Reviews of actions that ran unattended (post_review, and the sampled share of auto-routed proposals):
-- what the override breaker watches. One row per proposal, written with the decision.
CREATE TABLE unattended_reviews (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  proposal_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  verdict TEXT NOT NULL,
  overridden INTEGER NOT NULL,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, proposal_id)
) STRICT;

CREATE INDEX unattended_reviews_by_pair ON unattended_reviews (workspace_id, agent_id, action_type, decided_at);

-- The breakers count executions per agent and action type over a window.
CREATE INDEX executions_by_pair ON executions (workspace_id, agent_id, action_type, updated_at);

-- A demotion is announced to the queue's channels with no proposal behind it: notifications.proposal_id
-- becomes nullable. SQLite cannot drop a NOT NULL constraint, so the table is rebuilt.
CREATE TABLE notifications_new (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  channel TEXT NOT NULL,
  proposal_id TEXT,
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
