-- How many proposals each agent has held for each action type, from an index alone: the stops in
-- force say how many proposals each holds (GET /v1/stops), however many are held. Only held
-- proposals are in it, so no submission or decision writes an entry.
CREATE INDEX proposals_held_by_pair ON proposals (workspace_id, agent_id, action_type) WHERE status = 'held';
