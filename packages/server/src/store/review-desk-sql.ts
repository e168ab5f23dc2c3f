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

/**
 * Open reviews (pending and escalated) per queue: how many, the oldest, the next due. Limited to
 * `queueCount` queues when given (their names follow the workspace id).
 */
export function queueSummarySql(queueCount: number | null): string {
  const where = ["workspace_id = ?", "status IN ('pending', 'escalated')"];
  if (queueCount !== null)
    where.push(`queue IN (${Array.from({ length: queueCount }, () => "?").join(", ")})`);
  return `SELECT queue, COUNT(*) AS open_count, MIN(created_at) AS oldest_at, MIN(due_at) AS next_due_at
    FROM reviews WHERE ${where.join(" AND ")} GROUP BY queue ORDER BY queue`;
}
