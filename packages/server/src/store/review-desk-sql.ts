/**
 * SQL for the reviewer app's reads. An entity's recent proposals: the entity lives in the proposal's
 * JSON document (`context.entity`), read with each engine's JSON operator; migration 0004 indexes
 * exactly these expressions, so the query stays an index range scan however many proposals there are.
 */
const ENTITY_EXPRESSION = {
  sqlite: "json_extract(doc, '$.context.entity')",
  postgres: "(doc->'context'->>'entity')",
} as const;

/** Newest first, after an optional `(created_at, id)` position; `limit` is the last parameter. */
export function proposalsOfEntitySql(engine: "sqlite" | "postgres", afterPosition: boolean): string {
  const where = ["workspace_id = ?", `${ENTITY_EXPRESSION[engine]} = ?`];
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
