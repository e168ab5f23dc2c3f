-- How many proposals each agent has held for each action type, from an index alone (see the SQLite
-- migration).
CREATE INDEX proposals_held_by_pair ON proposals (workspace_id, agent_id, action_type) WHERE status = 'held';
