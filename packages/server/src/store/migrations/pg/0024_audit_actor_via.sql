-- Through which credential a person acted (see the SQLite migration).
ALTER TABLE audit_entries ADD COLUMN actor_via_kind TEXT;
ALTER TABLE audit_entries ADD COLUMN actor_via_id TEXT;
