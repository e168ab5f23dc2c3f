-- The held proposals listed a page at a time, oldest first (GET /v1/proposals?status=held), for a
-- stop's scope: an agent, an action type, or both. `proposals_held` (0016) serves the list of every
-- held proposal; each narrower scope gets an index whose equality columns are followed by the list's
-- order, so a page is a range read however many proposals a stop holds. The pair index of 0023 gains
-- that order too; its counts still come from it alone. Only held proposals are in these indexes, so no
-- submission or decision writes an entry: a proposal enters them when held and leaves when released.
DROP INDEX proposals_held_by_pair;
CREATE INDEX proposals_held_by_pair ON proposals (workspace_id, agent_id, action_type, created_at, id)
  WHERE status = 'held';
CREATE INDEX proposals_held_by_agent ON proposals (workspace_id, agent_id, created_at, id)
  WHERE status = 'held';
CREATE INDEX proposals_held_by_action_type ON proposals (workspace_id, action_type, created_at, id)
  WHERE status = 'held';
