-- The learning loop (SPEC §5): one label per reviewed proposal, written in the same commit as the decision
-- that closed its review; the calibration map in force per agent and action type; threshold
-- recommendations; and the thresholds owners approved, which outlive any policy file loaded later.

CREATE TABLE review_labels (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  proposal_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  label REAL NOT NULL,
  edit_distance REAL NOT NULL,
  agent_confidence REAL NOT NULL,
  calibrated_confidence REAL,
  calibration_id TEXT,
  signals TEXT NOT NULL,
  labelled_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, proposal_id)
) STRICT;

CREATE INDEX review_labels_by_pair ON review_labels (workspace_id, agent_id, action_type, labelled_at);

CREATE TABLE calibration_maps (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  id TEXT NOT NULL,
  map TEXT NOT NULL,
  evidence INTEGER NOT NULL,
  labelled INTEGER NOT NULL,
  fitted_at TEXT NOT NULL,
  metrics TEXT NOT NULL,
  PRIMARY KEY (workspace_id, agent_id, action_type)
) STRICT;

CREATE TABLE threshold_recommendations (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  status TEXT NOT NULL,
  threshold REAL NOT NULL,
  target_error_rate REAL NOT NULL,
  detail TEXT NOT NULL,
  calibration_id TEXT NOT NULL,
  requested_by TEXT,
  requested_at TEXT,
  approved_by TEXT,
  approved_at TEXT,
  policy_version INTEGER,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
) STRICT;

CREATE INDEX threshold_recommendations_by_created ON threshold_recommendations (workspace_id, created_at, id);
CREATE INDEX threshold_recommendations_by_pair ON threshold_recommendations (workspace_id, agent_id, action_type, status);

CREATE TABLE thresholds_in_force (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  agent_id TEXT NOT NULL,
  action_type TEXT NOT NULL,
  auto REAL NOT NULL,
  recommendation_id TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  approved_by TEXT NOT NULL,
  approved_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, agent_id, action_type)
) STRICT;
