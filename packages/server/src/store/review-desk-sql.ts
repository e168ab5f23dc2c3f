/**
 * SQL for the reviewer app's reads. An entity's recent proposals: the proposal's `context.entity` is
 * kept in the `entity` column (migration 0012), indexed with the creation order, so the query stays
 * an index range scan however many proposals there are.
 */

/** Newest first, after an optional `(created_at, id)` position; `limit` is the last parameter. */
export function proposalsOfEntitySql(afterPosition: boolean): string {
  const where = ["workspace_id = ?", "entity = ?"];
  if (afterPosition) where.push("(created_at, id) < (?, ?)");
  return `SELECT * FROM proposals WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`;
}

/** Which held proposals to list: a stop's scope. Both given: that agent's proposals of that type. */
export interface HeldFilter {
  agentId?: string;
  actionType?: string;
}

/**
 * Held proposals, oldest first, after an optional `(created_at, id)` position; `limit` is the last
 * parameter. Parameters: workspace, then the agent and the action type when filtered by them. Each
 * shape of filter has its partial index of held proposals, equality columns then `(created_at, id)`
 * (migrations 0016 and 0025), so a page is a range read in order, never a sort of every held proposal.
 */
export function heldProposalsSql(filter: HeldFilter, afterPosition: boolean): string {
  const where = ["workspace_id = ?", "status = 'held'"];
  if (filter.agentId !== undefined) where.push("agent_id = ?");
  if (filter.actionType !== undefined) where.push("action_type = ?");
  if (afterPosition) where.push("(created_at, id) > (?, ?)");
  return `SELECT * FROM proposals WHERE ${where.join(" AND ")} ORDER BY created_at, id LIMIT ?`;
}

/** The statuses a proposal ends in when people decided it: the pool of similar past cases. */
export const PEOPLE_DECIDED_STATUSES = [
  "approved",
  "approved_with_edits",
  "rejected",
  "handled_manually",
] as const;

/**
 * An agent's latest proposals of an action type that people decided, newest first: one branch per
 * status, each a backward range of `proposals_agent_type_status_created` cut at the limit in its own
 * subquery (on either engine the union then sorts at most four limits' rows), so the read stays small
 * however long the history. Parameters: workspace, agent, action type, status and limit for each of
 * {@link PEOPLE_DECIDED_STATUSES} in order, then the limit again.
 */
export function decidedProposalsOfPairSql(): string {
  const branch = (i: number) =>
    `SELECT * FROM (SELECT * FROM proposals WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND status = ? ORDER BY created_at DESC LIMIT ?) AS b${i}`;
  return `${PEOPLE_DECIDED_STATUSES.map((_, i) => branch(i)).join(" UNION ALL ")} ORDER BY created_at DESC LIMIT ?`;
}

/**
 * Open reviews (pending and escalated) per queue: how many, the oldest, the next due. Limited to
 * `queueCount` queues when given (their names follow the workspace id).
 *
 * Nothing here scans the open reviews: the counts are the `queue_open_counts` rows (migration 0013,
 * kept by triggers on `reviews`), the oldest is the first entry of the queue in the partial index
 * `reviews_open_created`, and the next due the earlier of the first entries of the queue's two open
 * statuses in `reviews_queue_status_due`. Queues whose count fell to 0 are left out.
 */
export function queueSummarySql(queueCount: number | null): string {
  const where = ["c.workspace_id = ?", "c.open_count > 0"];
  if (queueCount !== null)
    where.push(`c.queue IN (${Array.from({ length: queueCount }, () => "?").join(", ")})`);
  const ofQueue = "r.workspace_id = c.workspace_id AND r.queue = c.queue";
  const firstDue = (status: string) =>
    `SELECT (SELECT MIN(r.due_at) FROM reviews r WHERE ${ofQueue} AND r.status = '${status}') AS due_at`;
  return `SELECT c.queue, c.open_count,
    (SELECT MIN(r.created_at) FROM reviews r
      WHERE ${ofQueue} AND r.status IN ('pending', 'escalated')) AS oldest_at,
    (SELECT MIN(d.due_at) FROM (${firstDue("pending")} UNION ALL ${firstDue("escalated")}) d) AS next_due_at
    FROM queue_open_counts c WHERE ${where.join(" AND ")} ORDER BY c.queue`;
}
