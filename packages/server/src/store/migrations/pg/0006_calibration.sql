-- The learning loop (SPEC §5): one label per reviewed proposal, written in the same commit as the decision
-- that closed its review; the calibration map in force per agent and action type; threshold
-- recommendations; and the thresholds owners approved, which outlive any policy file loaded later.

CREATE TABLE review_labels (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  proposal_id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  label DOUBLE PRECISION NOT NULL,
  edit_distance DOUBLE PRECISION NOT NULL,
  agent_confidence DOUBLE PRECISION NOT NULL,
  calibrated_confidence DOUBLE PRECISION,
  calibration_id TEXT COLLATE "C",
  signals TEXT COLLATE "C" NOT NULL,
  labelled_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, proposal_id)
);

CREATE INDEX review_labels_by_pair ON review_labels (workspace_id, agent_id, action_type, labelled_at);

CREATE TABLE calibration_maps (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  map TEXT COLLATE "C" NOT NULL,
  evidence INTEGER NOT NULL,
  labelled INTEGER NOT NULL,
  fitted_at TEXT COLLATE "C" NOT NULL,
  metrics TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, agent_id, action_type)
);

CREATE TABLE threshold_recommendations (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  id TEXT COLLATE "C" NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  target_error_rate DOUBLE PRECISION NOT NULL,
  detail TEXT NOT NULL,
  calibration_id TEXT COLLATE "C" NOT NULL,
  requested_by TEXT COLLATE "C",
  requested_at TEXT COLLATE "C",
  approved_by TEXT COLLATE "C",
  approved_at TEXT COLLATE "C",
  policy_version INTEGER,
  created_at TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, id)
);

CREATE INDEX threshold_recommendations_by_created ON threshold_recommendations (workspace_id, created_at, id);
CREATE INDEX threshold_recommendations_by_pair ON threshold_recommendations (workspace_id, agent_id, action_type, status);

CREATE TABLE thresholds_in_force (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  agent_id TEXT COLLATE "C" NOT NULL,
  action_type TEXT COLLATE "C" NOT NULL,
  auto DOUBLE PRECISION NOT NULL,
  recommendation_id TEXT COLLATE "C" NOT NULL,
  policy_version INTEGER NOT NULL,
  approved_by TEXT COLLATE "C" NOT NULL,
  approved_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, agent_id, action_type)
);
