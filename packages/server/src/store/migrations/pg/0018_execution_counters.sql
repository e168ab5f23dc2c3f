-- PostgreSQL dialect (see the SQLite migration for the why).
-- The circuit breakers count executions from the hourly counters (SPEC §5, earned autonomy), so a
-- reading costs the window's hours plus the rows of its two partial end hours, not every execution of
-- the window. The commit that ends an attempt adds, for the execution's action type and agent:
-- `executions.finished` (once per attempt that ends executed, failed, dead-lettered or unknown; mark
-- `execution.finished` per `<id>#<attempt>`), `executions.failed` (the same ends but `executed`) and
-- `executions.succeeded` (once per execution that reaches `executed`; mark `execution.succeeded`).
-- Rollbacks and incidents were counted already (`rollbacks`, `incidents`, migration 0011).
--
-- Backfill: each execution that stands finished now counts once, in the hour of its last change, by
-- its status now — what the breakers counted before this migration, so a reading right after it is
-- the same. Every dimension of these counters is known, so the slices are filled alongside.

INSERT INTO metric_marks (workspace_id, mark, subject, at)
SELECT workspace_id, 'execution.finished', id || '#' || attempts, updated_at FROM executions
  WHERE kind = 'execute' AND status IN ('executed', 'failed', 'dead_lettered', 'unknown');
INSERT INTO metric_marks (workspace_id, mark, subject, at)
SELECT workspace_id, 'execution.succeeded', id, updated_at FROM executions
  WHERE kind = 'execute' AND status = 'executed';

INSERT INTO metric_rollups (workspace_id, bucket, action_type, agent_id, queue, reviewer_id, metric, value)
SELECT workspace_id, substr(updated_at, 1, 13) || ':00:00.000Z', action_type, agent_id, '', '',
    'executions.finished', COUNT(*)
  FROM executions WHERE kind = 'execute' AND status IN ('executed', 'failed', 'dead_lettered', 'unknown')
  GROUP BY workspace_id, substr(updated_at, 1, 13), action_type, agent_id;
INSERT INTO metric_rollups (workspace_id, bucket, action_type, agent_id, queue, reviewer_id, metric, value)
SELECT workspace_id, substr(updated_at, 1, 13) || ':00:00.000Z', action_type, agent_id, '', '',
    'executions.succeeded', COUNT(*)
  FROM executions WHERE kind = 'execute' AND status = 'executed'
  GROUP BY workspace_id, substr(updated_at, 1, 13), action_type, agent_id;
INSERT INTO metric_rollups (workspace_id, bucket, action_type, agent_id, queue, reviewer_id, metric, value)
SELECT workspace_id, substr(updated_at, 1, 13) || ':00:00.000Z', action_type, agent_id, '', '',
    'executions.failed', COUNT(*)
  FROM executions WHERE kind = 'execute' AND status IN ('failed', 'dead_lettered', 'unknown')
  GROUP BY workspace_id, substr(updated_at, 1, 13), action_type, agent_id;

INSERT INTO metric_totals (workspace_id, action_type, agent_id, queue, reviewer_id, metric, value)
SELECT workspace_id, action_type, agent_id, '', '', metric, SUM(value) FROM metric_rollups
  WHERE metric IN ('executions.finished', 'executions.succeeded', 'executions.failed')
  GROUP BY workspace_id, action_type, agent_id, metric;

INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, '*', bucket, metric, SUM(value) FROM metric_rollups
  WHERE metric IN ('executions.finished', 'executions.succeeded', 'executions.failed')
  GROUP BY workspace_id, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'type:' || action_type, bucket, metric, SUM(value) FROM metric_rollups
  WHERE metric IN ('executions.finished', 'executions.succeeded', 'executions.failed')
  GROUP BY workspace_id, action_type, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'agent:' || agent_id, bucket, metric, SUM(value) FROM metric_rollups
  WHERE metric IN ('executions.finished', 'executions.succeeded', 'executions.failed')
  GROUP BY workspace_id, agent_id, bucket, metric;
INSERT INTO metric_slices (workspace_id, slice, bucket, metric, value)
SELECT workspace_id, 'type+agent:' || action_type || '|' || agent_id, bucket, metric, SUM(value) FROM metric_rollups
  WHERE metric IN ('executions.finished', 'executions.succeeded', 'executions.failed')
  GROUP BY workspace_id, action_type, agent_id, bucket, metric;

-- The rollbacks a partial end hour of a breaker window started: few rows, so a small partial index.
CREATE INDEX executions_rollbacks_by_pair ON executions (workspace_id, agent_id, action_type, created_at)
  WHERE kind = 'rollback';
