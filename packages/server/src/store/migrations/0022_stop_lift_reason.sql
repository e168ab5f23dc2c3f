-- Why a stop was lifted, beside who lifted it and when, so the stop history answers it without the
-- audit log (which keeps it too, in the `stop.lifted` entry). Optional: a lift may give no reason.
ALTER TABLE stops ADD COLUMN lift_reason TEXT;

-- Stops lifted before this migration: the reason their `stop.lifted` entry holds, if any.
UPDATE stops SET lift_reason = (
  SELECT json_extract(a.data, '$.reason') FROM audit_entries a
  WHERE a.workspace_id = stops.workspace_id AND a.type = 'stop.lifted'
    AND json_extract(a.data, '$.stopId') = stops.id
  ORDER BY a.seq DESC LIMIT 1
)
WHERE lifted_at IS NOT NULL;
