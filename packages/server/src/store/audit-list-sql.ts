import type { AuditOrder } from "@loopgate/core";
import type { SqlValue } from "./rows.ts";
import type { AuditFilter } from "./store.ts";

/**
 * The audit entry types `audit_entries_type` leaves out (migrations 0017 and 0020): a proposal's
 * ordinary life — submitted, routed, its review opened, claimed and decided, its execution granted or
 * queued, attempted, and executed or reported by the agent. Each is a large share of any log, so a list
 * of one finds a match every few entries reading the log in order, while indexing them cost a leaf
 * page a type at every commit. The index keeps the exceptions an auditor looks for (expiries,
 * escalations, blocks, failures, rollbacks, stops, keys, users, policies).
 *
 * {@link INDEXED_AUDIT_TYPE} is the index's condition, in the same order as the migrations write it,
 * which a query on any other type repeats so that both planners know the partial index applies
 * (`test/store/migration-backfills.test.ts` checks it against both engines' migrations).
 */
export const UNINDEXED_AUDIT_TYPES: readonly string[] = [
  "proposal.submitted",
  "proposal.routed",
  "review.opened",
  "review.claimed",
  "decision.recorded",
  "execution.granted",
  "execution.queued",
  "execution.attempt_started",
  "execution.executed",
  "execution.reported",
];
export const INDEXED_AUDIT_TYPE = `type NOT IN (${UNINDEXED_AUDIT_TYPES.map((t) => `'${t}'`).join(", ")})`;

/**
 * SQL for the audit list (`GET /v1/audit`): `fetch` entries matching `filter` in `seq` order, oldest
 * first (`asc`) or newest first (`desc`), continuing past `fromSeq` (the last entry of the previous
 * page; null for the first page). `since` and `until` are inclusive ISO times.
 *
 * Both orders read the same indexes, each ending in `seq`, forwards or backwards from the bound, so a
 * page costs the same in either direction and nothing is sorted: the newest page of a long log is as
 * cheap as the oldest.
 *
 * A proposal's entries and a rare type's entries are read through their index. SQLite's planner, which
 * the embedded store gives no statistics, prefers walking the whole log in `seq` order (the primary key
 * gives the order for free) and testing each entry: 213 ms for one proposal's three entries at 104,000
 * entries, measured. So on SQLite the query names the index (`INDEXED BY`); PostgreSQL plans from its
 * statistics.
 *
 * @example
 * ```ts
 * const { sql, params } = auditListSql("sqlite", "default", { proposalId: "p_1" }, null, 51, "desc");
 * const rows = await reader.all(sql, params);
 * ```
 */
export function auditListSql(
  engine: "sqlite" | "postgres",
  workspaceId: string,
  filter: AuditFilter,
  fromSeq: number | null,
  fetch: number,
  order: AuditOrder = "asc",
): { sql: string; params: SqlValue[] } {
  const where = ["workspace_id = ?"];
  const params: SqlValue[] = [workspaceId];
  if (order === "asc") {
    where.push("seq > ?");
    params.push(fromSeq ?? 0);
  } else if (fromSeq !== null) {
    where.push("seq < ?");
    params.push(fromSeq);
  }
  let index: string | null = null;
  if (filter.proposalId !== undefined) {
    where.push("proposal_id = ?");
    params.push(filter.proposalId);
    index = "audit_entries_proposal";
  }
  if (filter.type !== undefined) {
    where.push("type = ?");
    params.push(filter.type);
    if (!UNINDEXED_AUDIT_TYPES.includes(filter.type)) {
      where.push(INDEXED_AUDIT_TYPE);
      index ??= "audit_entries_type";
    }
  }
  if (filter.since !== undefined) {
    where.push("at >= ?");
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push("at <= ?");
    params.push(filter.until);
  }
  const from = engine === "sqlite" && index !== null ? `audit_entries INDEXED BY ${index}` : "audit_entries";
  return {
    sql: `SELECT * FROM ${from} WHERE ${where.join(" AND ")} ORDER BY seq${order === "desc" ? " DESC" : ""} LIMIT ?`,
    params: [...params, fetch],
  };
}
