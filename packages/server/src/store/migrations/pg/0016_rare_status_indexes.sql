-- Indexes that exist to find proposals in a few rare statuses hold only those proposals (see the SQLite
-- migration): no index entry is written for a submission or a decision that does not enter one of them.
DROP INDEX proposals_status_info_due;
CREATE INDEX proposals_info_due ON proposals (workspace_id, info_due_at, id) WHERE status = 'needs_info';
CREATE INDEX proposals_held ON proposals (workspace_id, created_at, id) WHERE status = 'held';

DROP INDEX proposals_agent_type_status_created;
CREATE INDEX proposals_refused ON proposals (workspace_id, agent_id, action_type, status, created_at)
  WHERE status = 'rejected' OR status = 'blocked';
