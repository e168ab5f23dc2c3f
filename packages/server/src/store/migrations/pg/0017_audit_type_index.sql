-- The audit log's index by entry type leaves out the two types every proposal writes once each (see
-- the SQLite migration); the list query repeats the condition for the other types.
DROP INDEX audit_entries_type;
CREATE INDEX audit_entries_type ON audit_entries (workspace_id, type, seq)
  WHERE type NOT IN ('proposal.submitted', 'proposal.routed');
