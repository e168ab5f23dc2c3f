-- Who holds a review's claim, as a column of its own, and the claim in the two open-review indexes
-- (see the SQLite migration): claim-next tells the reviews others hold apart from the index alone.
ALTER TABLE reviews ADD COLUMN claim_holder TEXT COLLATE "C";

UPDATE reviews SET claim_holder = claimed_by ->> 'id' WHERE claimed_by IS NOT NULL;

DROP INDEX reviews_status_due;
CREATE INDEX reviews_status_due ON reviews (workspace_id, status, due_at, id, claim_expires_at, claim_holder);
DROP INDEX reviews_queue_status_due;
CREATE INDEX reviews_queue_status_due ON reviews (workspace_id, queue, status, due_at, id, claim_expires_at, claim_holder);
