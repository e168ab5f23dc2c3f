-- The held proposals listed a page at a time, oldest first, for a stop's scope: an index per scope
-- whose equality columns are followed by the list's order (see the SQLite migration).
DROP INDEX proposals_held_by_pair;
CREATE INDEX proposals_held_by_pair ON proposals (workspace_id, agent_id, action_type, created_at, id)
  WHERE status = 'held';
CREATE INDEX proposals_held_by_agent ON proposals (workspace_id, agent_id, created_at, id)
  WHERE status = 'held';
CREATE INDEX proposals_held_by_action_type ON proposals (workspace_id, action_type, created_at, id)
  WHERE status = 'held';
