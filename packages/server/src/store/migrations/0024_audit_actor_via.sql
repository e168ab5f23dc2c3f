-- Through which credential a person acted — an API key or a session, by id — beside who they are, so
-- the log proves not only who approved but how. Null for agents, Loopgate itself, and entries written
-- before this migration (their hashes cover no credential, so they stay as they were).
ALTER TABLE audit_entries ADD COLUMN actor_via_kind TEXT;
ALTER TABLE audit_entries ADD COLUMN actor_via_id TEXT;
