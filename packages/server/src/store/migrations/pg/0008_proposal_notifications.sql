-- Notifications about proposals that never open a review (blocked, held) have no review.
ALTER TABLE notifications ALTER COLUMN review_id DROP NOT NULL;
