-- Indexes that exist to find proposals in a few rare statuses now hold only those proposals. Every
-- proposal had an entry in `proposals_status_info_due` (to find the few waiting for information, and
-- those held) and in `proposals_agent_type_status_created` (to find an agent's refused ones, for the
-- bypass check): two index entries written with each submission and moved with each status change, for
-- rows no query ever looked up there. Each query names its status as a literal, so the planner matches
-- it to the partial index.
DROP INDEX proposals_status_info_due;
CREATE INDEX proposals_info_due ON proposals (workspace_id, info_due_at, id) WHERE status = 'needs_info';
CREATE INDEX proposals_held ON proposals (workspace_id, created_at, id) WHERE status = 'held';

DROP INDEX proposals_agent_type_status_created;
CREATE INDEX proposals_refused ON proposals (workspace_id, agent_id, action_type, status, created_at)
  WHERE status = 'rejected' OR status = 'blocked';
