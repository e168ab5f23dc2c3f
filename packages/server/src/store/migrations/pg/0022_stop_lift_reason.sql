-- Why a stop was lifted, beside who lifted it and when (see the SQLite migration).
ALTER TABLE stops ADD COLUMN lift_reason TEXT;

UPDATE stops s SET lift_reason = a.data->>'reason'
FROM audit_entries a
WHERE s.lifted_at IS NOT NULL AND a.workspace_id = s.workspace_id AND a.type = 'stop.lifted'
  AND a.data->>'stopId' = s.id;
