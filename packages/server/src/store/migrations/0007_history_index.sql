-- Replay and feedback export walk the proposals in creation order (SPEC §5): keep that order in an
-- index so each page is a range scan, however many proposals are stored.
CREATE INDEX proposals_created ON proposals (workspace_id, created_at, id);
