-- Open reviews per queue (SPEC §9, the queue summary and overload): how many reviews of each queue are
-- pending or escalated, kept exact by triggers on `reviews` in the transaction that writes the review,
-- so `GET /v1/reviews/summary`, the overload check and metrics read one small row per queue instead of
-- counting every open review. Every write path (one by one, the bulk submission insert, escalation to
-- another queue, decisions, cancel, expiry) is covered without application code. A row whose count
-- falls to 0 stays, at 0.
--
-- The oldest open review of a queue is a seek of `reviews_open_created`, a partial index holding only
-- open reviews (a review leaves it when it closes); the next due is a seek of `reviews_queue_status_due`
-- per open status.

CREATE TABLE queue_open_counts (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  queue TEXT NOT NULL,
  open_count INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, queue)
) STRICT, WITHOUT ROWID;

INSERT INTO queue_open_counts (workspace_id, queue, open_count)
  SELECT workspace_id, queue, COUNT(*) FROM reviews
  WHERE status IN ('pending', 'escalated')
  GROUP BY workspace_id, queue;

CREATE INDEX reviews_open_created ON reviews (workspace_id, queue, created_at)
  WHERE status IN ('pending', 'escalated');

CREATE TRIGGER reviews_open_count_insert AFTER INSERT ON reviews
  WHEN NEW.status IN ('pending', 'escalated')
BEGIN
  INSERT INTO queue_open_counts (workspace_id, queue, open_count) VALUES (NEW.workspace_id, NEW.queue, 1)
    ON CONFLICT (workspace_id, queue) DO UPDATE SET open_count = open_count + 1;
END;

-- Fires only when a review leaves its queue's open reviews: it closes, or moves to another queue.
CREATE TRIGGER reviews_open_count_leave AFTER UPDATE OF status, queue ON reviews
  WHEN OLD.status IN ('pending', 'escalated')
    AND (NEW.status NOT IN ('pending', 'escalated') OR NEW.queue IS NOT OLD.queue)
BEGIN
  UPDATE queue_open_counts SET open_count = open_count - 1
    WHERE workspace_id = OLD.workspace_id AND queue = OLD.queue;
END;

-- Fires only when a review joins a queue's open reviews: it reopens, or moves in from another queue.
CREATE TRIGGER reviews_open_count_join AFTER UPDATE OF status, queue ON reviews
  WHEN NEW.status IN ('pending', 'escalated')
    AND (OLD.status NOT IN ('pending', 'escalated') OR NEW.queue IS NOT OLD.queue)
BEGIN
  INSERT INTO queue_open_counts (workspace_id, queue, open_count) VALUES (NEW.workspace_id, NEW.queue, 1)
    ON CONFLICT (workspace_id, queue) DO UPDATE SET open_count = open_count + 1;
END;

CREATE TRIGGER reviews_open_count_delete AFTER DELETE ON reviews
  WHEN OLD.status IN ('pending', 'escalated')
BEGIN
  UPDATE queue_open_counts SET open_count = open_count - 1
    WHERE workspace_id = OLD.workspace_id AND queue = OLD.queue;
END;
