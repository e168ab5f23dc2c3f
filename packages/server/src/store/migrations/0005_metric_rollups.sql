-- Metric rollups (SPEC §5, metrics): counters kept up to date as proposals, decisions and expiries are
-- written, in the same transaction, so `GET /v1/metrics` and `/metrics` read a few rows per hour instead
-- of scanning history. One row per (hour, action type, agent, queue, reviewer, metric); `queue` and
-- `reviewer_id` are '' where they do not apply (a proposal has no reviewer; an auto-routed one no queue).
-- `metric` names a counter: `proposals`, `route.<verdict>`, `decisions.<verdict>`, `expiries`,
-- `decide.count`, `decide.seconds_sum`, `decide.le.<seconds>` (a histogram bucket, not cumulative).
-- WITHOUT ROWID clusters the rows by their key, so a window is one range scan that reads the values too.

CREATE TABLE metric_rollups (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  bucket TEXT NOT NULL,
  action_type TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  reviewer_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (workspace_id, bucket, action_type, agent_id, queue, reviewer_id, metric)
) STRICT, WITHOUT ROWID;

-- All-time totals of the same counters, for Prometheus: a scrape reads these, not every hour ever kept.
CREATE TABLE metric_totals (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  action_type TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  queue TEXT NOT NULL,
  reviewer_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (workspace_id, action_type, agent_id, queue, reviewer_id, metric)
) STRICT, WITHOUT ROWID;
