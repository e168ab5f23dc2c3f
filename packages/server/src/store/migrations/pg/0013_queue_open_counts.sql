-- Open reviews per queue (SPEC §9, the queue summary and overload): how many reviews of each queue are
-- pending or escalated, kept exact by triggers on `reviews` in the transaction that writes the review
-- (see the SQLite migration). Inserts are counted once per statement from the inserted rows, so the
-- bulk submission insert (up to 100 reviews a statement) updates one row per queue, not one per review;
-- an update or delete is counted per row, and only when a review leaves or joins a queue's open
-- reviews (the WHEN clause is checked without calling the function). A row whose count falls to 0
-- stays, at 0.
--
-- The oldest open review of a queue is a seek of `reviews_open_created`, a partial index holding only
-- open reviews; the next due is a seek of `reviews_queue_status_due` per open status.

CREATE TABLE queue_open_counts (
  workspace_id TEXT NOT NULL DEFAULT 'default',
  queue TEXT NOT NULL,
  open_count BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, queue)
);

INSERT INTO queue_open_counts (workspace_id, queue, open_count)
  SELECT workspace_id, queue, COUNT(*) FROM reviews
  WHERE status IN ('pending', 'escalated')
  GROUP BY workspace_id, queue;

CREATE INDEX reviews_open_created ON reviews (workspace_id, queue, created_at)
  WHERE status IN ('pending', 'escalated');

CREATE FUNCTION reviews_open_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_open_counts AS c (workspace_id, queue, open_count)
    SELECT workspace_id, queue, COUNT(*) FROM inserted_reviews
    WHERE status IN ('pending', 'escalated')
    GROUP BY workspace_id, queue
    ORDER BY workspace_id, queue
  ON CONFLICT (workspace_id, queue) DO UPDATE SET open_count = c.open_count + EXCLUDED.open_count;
  RETURN NULL;
END
$$;

CREATE TRIGGER reviews_open_count_insert AFTER INSERT ON reviews
  REFERENCING NEW TABLE AS inserted_reviews
  FOR EACH STATEMENT EXECUTE FUNCTION reviews_open_count_insert();

-- A review that leaves a queue's open reviews (it closes, or moves to another queue) and one that
-- joins them (it reopens, or moves in): the WHEN clauses let every other update through untouched.
CREATE FUNCTION reviews_open_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('pending', 'escalated') THEN
    UPDATE queue_open_counts SET open_count = open_count - 1
      WHERE workspace_id = OLD.workspace_id AND queue = OLD.queue;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.status IN ('pending', 'escalated') THEN
    INSERT INTO queue_open_counts AS c (workspace_id, queue, open_count)
      VALUES (NEW.workspace_id, NEW.queue, 1)
    ON CONFLICT (workspace_id, queue) DO UPDATE SET open_count = c.open_count + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER reviews_open_count_update AFTER UPDATE OF status, queue ON reviews
  FOR EACH ROW
  WHEN ((OLD.status IN ('pending', 'escalated')) IS DISTINCT FROM (NEW.status IN ('pending', 'escalated'))
    OR (OLD.queue IS DISTINCT FROM NEW.queue
      AND (OLD.status IN ('pending', 'escalated') OR NEW.status IN ('pending', 'escalated'))))
  EXECUTE FUNCTION reviews_open_count_change();

CREATE TRIGGER reviews_open_count_delete AFTER DELETE ON reviews
  FOR EACH ROW
  WHEN (OLD.status IN ('pending', 'escalated'))
  EXECUTE FUNCTION reviews_open_count_change();
