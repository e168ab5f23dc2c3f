-- Metrics that count once per subject (SPEC §5, metrics): a review's first claim (time to claim), a
-- proposal's first incident after approval, and its first incident or rollback (false approvals). The
-- commit that writes the event inserts its mark with ON CONFLICT DO NOTHING RETURNING, which says in
-- the same statement whether it is the first, so the rollups never read history to find out. The
-- counters themselves are rows of metric_rollups and metric_totals (migration 0005): `claim.*`,
-- `approved`, `rollbacks`, `incidents`, `incidents.post_approval`, `false_approvals`, `category.<name>`.

CREATE TABLE metric_marks (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  mark TEXT NOT NULL,
  subject TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, mark, subject)
) STRICT, WITHOUT ROWID;

-- The same hourly counters summed over every dimension but one slice: `*` (everything), `type:<action
-- type>`, `agent:<agent>`, `queue:<queue>`, `reviewer:<person id>`, `type+agent:<action type>|<agent>`.
-- `GET /v1/metrics` with no filter, one filter or an action type and agent reads one slice: a window
-- is one range scan of about (hours × counters) rows, whatever the number of agents, queues and
-- reviewers, where metric_rollups holds a row per combination of them. Kept by the same commit.
CREATE TABLE metric_slices (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  slice TEXT NOT NULL,
  bucket TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (workspace_id, slice, bucket, metric)
) STRICT, WITHOUT ROWID;

INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, '*', bucket, metric, SUM(value) FROM metric_rollups GROUP BY workspace_id, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'type:' || action_type, bucket, metric, SUM(value) FROM metric_rollups
  GROUP BY workspace_id, action_type, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'agent:' || agent_id, bucket, metric, SUM(value) FROM metric_rollups
  GROUP BY workspace_id, agent_id, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'queue:' || queue, bucket, metric, SUM(value) FROM metric_rollups WHERE queue <> ''
  GROUP BY workspace_id, queue, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'reviewer:' || reviewer_id, bucket, metric, SUM(value) FROM metric_rollups WHERE reviewer_id <> ''
  GROUP BY workspace_id, reviewer_id, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'type+agent:' || action_type || '|' || agent_id, bucket, metric, SUM(value) FROM metric_rollups
  GROUP BY workspace_id, action_type, agent_id, bucket, metric;
