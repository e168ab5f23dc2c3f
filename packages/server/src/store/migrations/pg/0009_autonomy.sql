-- Earned autonomy (SPEC §5) and outcomes (SPEC §6, POST /v1/proposals/:id/outcome).
-- outcomes: what happened after an action ran (fine, incident, note), recorded by the agent or people.
-- autonomy_stages: the stage in force per agent and action type when a promotion or a demotion set one;
--   absent, the policy file's stage applies. It outlives policy files loaded later, like thresholds.
-- autonomy_changes: every promotion and demotion, with the breaker reading that tripped.
-- autonomy_promotions: a promotion one owner asked for and a different owner approves.
-- unattended_reviews: decisions on actions that already ran, for the override breaker.

CREATE TABLE outcomes (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  proposal_id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  severity TEXT COLLATE "C",
  comment TEXT COLLATE "C",
  recorded_by TEXT COLLATE "C" NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE INDEX outcomes_by_proposal ON outcomes (workspace_id, proposal_id, at);
CREATE INDEX outcomes_by_pair ON outcomes (workspace_id, agent_id, action_type, at);

CREATE TABLE autonomy_stages (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  stage TEXT COLLATE "C" NOT NULL,
  change_id TEXT COLLATE "C" NOT NULL,
  policy_version INTEGER NOT NULL,
  changed_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, agent_id, action_type)
);

CREATE TABLE autonomy_changes (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  from_stage TEXT COLLATE "C" NOT NULL,
  to_stage TEXT COLLATE "C" NOT NULL,
  reason TEXT COLLATE "C" NOT NULL,
  breaker TEXT COLLATE "C",
  promotion_id TEXT COLLATE "C",
  changed_by TEXT COLLATE "C",
  at TEXT COLLATE "C" NOT NULL,
  policy_version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE INDEX autonomy_changes_by_at ON autonomy_changes (workspace_id, at, id);

CREATE TABLE autonomy_promotions (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  from_stage TEXT COLLATE "C" NOT NULL,
  to_stage TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  comment TEXT COLLATE "C",
  evidence TEXT COLLATE "C" NOT NULL,
  requested_by TEXT COLLATE "C" NOT NULL,
  approved_by TEXT COLLATE "C",
  policy_version INTEGER,
  created_at TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE INDEX autonomy_promotions_by_pair ON autonomy_promotions (workspace_id, agent_id, action_type, status);
-- At most one promotion waiting for approval per agent and action type.
CREATE UNIQUE INDEX autonomy_promotions_one_requested ON autonomy_promotions (workspace_id, agent_id, action_type)
  WHERE status = 'requested';

-- Reviews of actions that ran unattended (post_review, and the sampled share of auto-routed proposals):
-- what the override breaker watches. One row per proposal, written with the decision.
CREATE TABLE unattended_reviews (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  proposal_id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  verdict TEXT COLLATE "C" NOT NULL,
  overridden INTEGER NOT NULL,
  decided_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, proposal_id)
);

CREATE INDEX unattended_reviews_by_pair ON unattended_reviews (workspace_id, agent_id, action_type, decided_at);

-- The breakers count executions per agent and action type over a window.
CREATE INDEX executions_by_pair ON executions (workspace_id, agent_id, action_type, updated_at);

-- A demotion is announced to the queue's channels with no proposal behind it.
ALTER TABLE notifications ALTER COLUMN proposal_id DROP NOT NULL;
