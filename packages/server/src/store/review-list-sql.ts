import type { SqlValue } from "./rows.ts";
import { placeholders } from "./statements.ts";

/**
 * SQL for the review list (`GET /v1/reviews`, the reviewer's "next item") and the expiry timer's sweep
 * of due reviews: reviews in `(due_at, id)` order, after an optional `(due_at, id)` position.
 *
 * Why a branch per status (and per queue) instead of one `status IN (…)`: the indexes
 * `(workspace_id, status, due_at, id)` and `(workspace_id, queue, status, due_at, id)` (migration 0001)
 * hold each status's reviews in due order, but not two statuses together, so PostgreSQL answered
 * `status IN ('pending', 'escalated') ORDER BY due_at, id LIMIT n` by reading every open review and
 * sorting for the first n: a sequential scan that grows with the backlog (SPEC §9, claim-next). With
 * one `status = ?` (and `queue = ?`) each, every branch is an index range already in order that stops
 * after n rows; `UNION ALL` with the same `ORDER BY … LIMIT` merges them (PostgreSQL: a Merge Append of
 * index scans). The first n of the union are the first n of the branches' first n, so the list and its
 * cursor mean what they meant with `IN`.
 *
 * SQLite wants the branches bare: with each one a subquery of its own `ORDER BY … LIMIT`, it sorted
 * every branch's rows again with a temporary b-tree (~10–40 µs a call, most of claim-next's candidate
 * read), while over bare branches its `MERGE (UNION ALL)` pulls each from its index range in order and
 * stops at the `LIMIT`. A branch holding `queue IN (…)` is not one index range, so it stays a subquery,
 * whose own `LIMIT` keeps its sort to the first n. One statement either way: one snapshot of the
 * reviews, so a review moving between branches mid-read (escalated onward) is never listed twice.
 */

export interface ReviewListFilter {
  /** Non-empty. */
  statuses: readonly string[];
  /** Non-empty when given; undefined for every queue. */
  queues?: readonly string[] | undefined;
  actionType?: string | undefined;
  agentId?: string | undefined;
  /** Only reviews due at or before this time (the expiry timer's sweep). */
  dueBy?: string | undefined;
  /**
   * Only reviews `userId` may claim at `now`: unclaimed, with a lapsed claim, or claimed by them
   * (claim-next). Told from the index's claim columns (0015), without reading the rows passed over.
   */
  claimableBy?: { userId: string; now: string } | undefined;
}

export interface ReviewListQuery {
  sql: string;
  params: SqlValue[];
}

/**
 * Most branches before the queues go into one `queue IN (…)` per status instead of a branch per
 * queue and status: a reviewer in many queues would otherwise make a statement of hundreds of branches
 * (SQLite allows 500 in a compound SELECT).
 */
export const MAX_REVIEW_LIST_BRANCHES = 32;

/**
 * Up to `fetch` reviews matching `filter`, after `after` when given, in `(due_at, id)` order: every
 * column, or only `columns` (which must include `due_at` and `id`) — materialising a whole review row
 * costs the reader several µs, so a caller after a few candidates reads less.
 *
 * `engine` picks the compound's form (see above).
 *
 * @example
 * ```ts
 * const { sql, params } = reviewListSql("default", { statuses: ["pending", "escalated"] }, null, 51, "*", "sqlite");
 * const rows = await reader.all(sql, params);
 * ```
 */
export function reviewListSql(
  workspaceId: string,
  filter: ReviewListFilter,
  after: { dueAt: string; id: string } | null,
  fetch: number,
  columns = "*",
  engine: "sqlite" | "postgres" = "postgres",
): ReviewListQuery {
  const statuses = [...new Set(filter.statuses)];
  const queues = filter.queues === undefined ? undefined : [...new Set(filter.queues)];
  const perQueue = queues !== undefined && queues.length * statuses.length <= MAX_REVIEW_LIST_BRANCHES;

  const branches: ReviewListQuery[] = [];
  // Bare branches (see above): SQLite, when each is one index range.
  const bare = engine === "sqlite" && (queues === undefined || perQueue);
  for (const queue of perQueue ? queues : [null]) {
    for (const status of statuses) {
      const where = ["workspace_id = ?"];
      const params: SqlValue[] = [workspaceId];
      if (queue !== null) {
        where.push("queue = ?");
        params.push(queue);
      } else if (queues !== undefined) {
        where.push(`queue IN (${placeholders(queues.length)})`);
        params.push(...queues);
      }
      where.push("status = ?");
      params.push(status);
      if (filter.actionType !== undefined) {
        where.push("action_type = ?");
        params.push(filter.actionType);
      }
      if (filter.agentId !== undefined) {
        where.push("agent_id = ?");
        params.push(filter.agentId);
      }
      if (filter.dueBy !== undefined) {
        where.push("due_at <= ?");
        params.push(filter.dueBy);
      }
      if (filter.claimableBy !== undefined) {
        const { userId, now } = filter.claimableBy;
        where.push("(claim_expires_at IS NULL OR claim_expires_at <= ? OR claim_holder = ?)");
        params.push(now, userId);
      }
      if (after !== null) {
        where.push("(due_at, id) > (?, ?)");
        params.push(after.dueAt, after.id);
      }
      const select = `SELECT ${columns} FROM reviews WHERE ${where.join(" AND ")}`;
      branches.push(
        bare && statuses.length * (queues?.length ?? 1) > 1
          ? { sql: select, params }
          : { sql: `${select} ORDER BY due_at, id LIMIT ?`, params: [...params, fetch] },
      );
    }
  }

  if (branches.length === 1) return branches[0]!;
  // SQLite allows no ORDER BY or LIMIT on a bare member of a compound SELECT: a branch with its own is
  // a subquery.
  const members = bare
    ? branches.map((b) => b.sql)
    : branches.map((b, i) => `SELECT * FROM (${b.sql}) AS b${i}`);
  return {
    sql: `${members.join(" UNION ALL ")} ORDER BY due_at, id LIMIT ?`,
    params: [...branches.flatMap((b) => b.params), fetch],
  };
}
