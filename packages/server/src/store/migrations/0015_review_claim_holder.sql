-- Who holds a review's claim, as a column of its own beside `claimed_by` (the holder's id and name as
-- JSON), and the claim in the two open-review indexes, after the columns they are ordered by. Claim-next
-- passes over the reviews others hold: with the claim in the index it tells them apart from the index
-- alone, instead of reading each one's row (most of its cost, measured).
ALTER TABLE reviews ADD COLUMN claim_holder TEXT;

UPDATE reviews SET claim_holder = json_extract(claimed_by, '$.id') WHERE claimed_by IS NOT NULL;

DROP INDEX reviews_status_due;
CREATE INDEX reviews_status_due ON reviews (workspace_id, status, due_at, id, claim_expires_at, claim_holder);
DROP INDEX reviews_queue_status_due;
CREATE INDEX reviews_queue_status_due ON reviews (workspace_id, queue, status, due_at, id, claim_expires_at, claim_holder);
