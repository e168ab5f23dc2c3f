-- The audit log's index by entry type leaves out the two types every proposal writes once each
-- (`proposal.submitted`, `proposal.routed`): a large share of any log, so listing one of them reads
-- the log in order and finds a match every few entries, while the index cost three leaf pages of every
-- group commit (an insertion point per type). The other types — decisions, claims, keys, policies,
-- stops, … — stay indexed, so listing a rare type reads only its entries. The list query repeats the
-- index's condition for them, which is how both planners know the index applies.
DROP INDEX audit_entries_type;
CREATE INDEX audit_entries_type ON audit_entries (workspace_id, type, seq)
  WHERE type NOT IN ('proposal.submitted', 'proposal.routed');
