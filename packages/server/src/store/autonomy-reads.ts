import {
  type AutonomyChangeRow,
  type AutonomyStageRow,
  changeFromDb,
  type OutcomeRow,
  outcomeFromDb,
  type PromotionRow,
  type PromotionStatus,
  promotionFromDb,
  stageFromDb,
} from "./autonomy-rows.ts";
import { decodeReviewCursor, encodeReviewCursor } from "./cursor.ts";
import type { SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { ListPage } from "./store.ts";

/** Filter of autonomy changes and promotions. */
export interface AutonomyFilter {
  agentId?: string;
  actionType?: string;
  status?: PromotionStatus;
}

/**
 * What the executions (kind `execute`) of one agent and action type did within a window. Counted as
 * they happen (migration 0018), not from where each execution stands now: an execution that failed in
 * the window and was settled as executed after it counts as failed there; one retried after
 * dead-lettering counts each attempt that finished.
 */
export interface ExecutionCounts {
  /** Attempts that ended: executed, failed, dead-lettered or unknown. */
  finished: number;
  /** Executions that reached `executed` (an attempt, or a person's `mark_executed`). */
  succeeded: number;
  /** Attempts that ended failed, dead-lettered or with an unknown outcome. */
  failed: number;
  /** Rollbacks started (rollback executions created in the window). */
  rollbacks: number;
}

const HOUR_MS = 3_600_000;

/**
 * A window `[from, to)` cut at hours: the whole hours inside it (null when none) and the partial
 * hours at its ends. A 24-hour window ending at any minute has 23 whole hours and ends an hour long
 * together.
 */
export function windowSpan(
  from: string,
  to: string,
): { hours: [string, string] | null; ends: [string, string][] } {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const firstHour = Math.ceil(start / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(end / HOUR_MS) * HOUR_MS;
  if (!(firstHour < lastHour)) return { hours: null, ends: start < end ? [[from, to]] : [] };
  const hours: [string, string] = [new Date(firstHour).toISOString(), new Date(lastHour).toISOString()];
  const ends: [string, string][] = [];
  if (start < firstHour) ends.push([from, hours[0]]);
  if (lastHour < end) ends.push([hours[1], to]);
  return { hours, ends };
}

/**
 * The executions of a pair whose last change fell in a partial hour at an end of the window, by the
 * status they stand in: the rows answer for the hours the counters cannot split (the attempts that
 * finished there and were not changed since, which is nearly all of them).
 */
export const EDGE_EXECUTIONS = `SELECT
    SUM(CASE WHEN status IN ('executed', 'failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END) AS finished,
    SUM(CASE WHEN status = 'executed' THEN 1 ELSE 0 END) AS succeeded,
    SUM(CASE WHEN status IN ('failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END) AS failed
  FROM executions WHERE workspace_id = ? AND agent_id = ? AND action_type = ?
    AND updated_at >= ? AND updated_at < ? AND kind = 'execute'`;

/** A pair's counters summed over a range of hours: one range of its slice (migration 0011). */
export const pairCountersSql = (metrics: number): string =>
  `SELECT metric, SUM(value) AS value FROM metric_slices WHERE workspace_id = ? AND slice = ?
    AND bucket >= ? AND bucket < ? AND metric IN (${Array(metrics).fill("?").join(", ")}) GROUP BY metric`;

/** Rollbacks of a pair created in a partial hour (the partial index of migration 0018). */
export const EDGE_ROLLBACKS = `SELECT COUNT(*) AS n FROM executions WHERE workspace_id = ? AND agent_id = ?
    AND action_type = ? AND created_at >= ? AND created_at < ? AND kind = 'rollback'`;

/** Reads of earned autonomy and outcomes (migration 0009); each is indexed or bounded by its limit. */
export class AutonomyReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
  ) {}

  async outcomesOfProposal(proposalId: string): Promise<OutcomeRow[]> {
    const sql = "SELECT * FROM outcomes WHERE workspace_id = ? AND proposal_id = ? ORDER BY at, id";
    return (await this.reader.all(sql, [this.ws, proposalId])).map(outcomeFromDb);
  }

  async stagesInForce(): Promise<AutonomyStageRow[]> {
    const sql = "SELECT * FROM autonomy_stages WHERE workspace_id = ? ORDER BY agent_id, action_type";
    return (await this.reader.all(sql, [this.ws])).map(stageFromDb);
  }

  async promotion(id: string): Promise<PromotionRow | null> {
    const sql = "SELECT * FROM autonomy_promotions WHERE workspace_id = ? AND id = ?";
    const [row] = await this.reader.all(sql, [this.ws, id]);
    return row === undefined ? null : promotionFromDb(row);
  }

  /** Promotions, newest first, at most `limit`. */
  async promotions(filter: AutonomyFilter, limit: number): Promise<PromotionRow[]> {
    const { where, params } = this.#where(filter);
    const sql = `SELECT * FROM autonomy_promotions WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (await this.reader.all(sql, [...params, limit])).map(promotionFromDb);
  }

  /** Promotions and demotions, newest first; `cursor` from a previous page. */
  async changes(
    filter: AutonomyFilter,
    limit: number,
    cursor?: string,
  ): Promise<ListPage<AutonomyChangeRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const { where, params } = this.#where({ ...filter, status: undefined });
    const clauses = [where];
    if (cursor !== undefined) {
      const after = decodeReviewCursor(cursor);
      clauses.push("(at, id) < (?, ?)");
      params.push(after.dueAt, after.id);
    }
    const sql = `SELECT * FROM autonomy_changes WHERE ${clauses.join(" AND ")} ORDER BY at DESC, id DESC LIMIT ?`;
    const rows = (await this.reader.all(sql, [...params, limit + 1])).map(changeFromDb);
    if (rows.length <= limit) return { items: rows, nextCursor: null };
    const items = rows.slice(0, limit);
    const last = items[items.length - 1]!;
    return { items, nextCursor: encodeReviewCursor(last.at, last.id) };
  }

  /**
   * Counts what the executions of one agent and action type did within `[from, to)`: the attempts that
   * finished there (see {@link ExecutionCounts}), and the rollbacks started. The whole hours of the
   * window are read from the hourly counters (metric-events.ts), the partial hours at its two ends
   * from the rows, so the cost is bounded by the window's hours and the rows of those ends, whatever
   * the volume of the hours between.
   */
  async executionCounts(
    agentId: string,
    actionType: string,
    from: string,
    to: string,
  ): Promise<ExecutionCounts> {
    const span = windowSpan(from, to);
    const [hours, ...ends] = await Promise.all([
      this.#counters(agentId, actionType, span.hours, [
        "executions.finished",
        "executions.succeeded",
        "executions.failed",
        "rollbacks",
      ]),
      ...span.ends.map(async ([a, b]): Promise<Record<string, unknown>> => {
        const [finished, rollbacks] = await Promise.all([
          this.reader.all(EDGE_EXECUTIONS, [this.ws, agentId, actionType, a, b]),
          this.reader.all(EDGE_ROLLBACKS, [this.ws, agentId, actionType, a, b]),
        ]);
        return { ...finished[0], rollbacks: rollbacks[0]?.n };
      }),
    ]);
    const sum = (name: string, metric: string) =>
      (hours.get(metric) ?? 0) + ends.reduce((n, row) => n + Number(row?.[name] ?? 0), 0);
    return {
      finished: sum("finished", "executions.finished"),
      succeeded: sum("succeeded", "executions.succeeded"),
      failed: sum("failed", "executions.failed"),
      rollbacks: sum("rollbacks", "rollbacks"),
    };
  }

  /** Post-review decisions of one agent and action type within `[from, to)`, and the overriding ones. */
  async unattendedCounts(
    agentId: string,
    actionType: string,
    from: string,
    to: string,
  ): Promise<{ decided: number; overridden: number }> {
    const sql = `SELECT COUNT(*) AS decided, SUM(overridden) AS overridden FROM unattended_reviews
      WHERE workspace_id = ? AND agent_id = ? AND action_type = ? AND decided_at >= ? AND decided_at < ?`;
    const [row] = await this.reader.all(sql, [this.ws, agentId, actionType, from, to]);
    return { decided: Number(row?.decided ?? 0), overridden: Number(row?.overridden ?? 0) };
  }

  /**
   * Incidents reported for one agent and action type within `[from, to)`: whole hours from the
   * `incidents` counters, the partial hours at the ends from the outcomes.
   */
  async incidentCount(agentId: string, actionType: string, from: string, to: string): Promise<number> {
    const span = windowSpan(from, to);
    const sql = `SELECT COUNT(*) AS n FROM outcomes WHERE workspace_id = ? AND agent_id = ? AND action_type = ?
      AND at >= ? AND at < ? AND kind = 'incident'`;
    const [hours, ...ends] = await Promise.all([
      this.#counters(agentId, actionType, span.hours, ["incidents"]),
      ...span.ends.map(([a, b]) => this.reader.all(sql, [this.ws, agentId, actionType, a, b])),
    ]);
    return ends.reduce((n, [row]) => n + Number(row?.n ?? 0), hours.get("incidents") ?? 0);
  }

  /** The pair's hourly counters summed over whole hours `[from, to)` (its metric slice). */
  async #counters(
    agentId: string,
    actionType: string,
    hours: readonly [string, string] | null,
    metrics: readonly string[],
  ): Promise<Map<string, number>> {
    const sums = new Map<string, number>();
    if (hours === null) return sums;
    const rows = await this.reader.all(pairCountersSql(metrics.length), [
      this.ws,
      `type+agent:${actionType}|${agentId}`,
      hours[0],
      hours[1],
      ...metrics,
    ]);
    for (const row of rows) sums.set(String(row.metric), Number(row.value));
    return sums;
  }

  /** Every agent and action type that has proposed anything (from the metric totals: a small table). */
  async proposingPairs(): Promise<{ agentId: string; actionType: string }[]> {
    const sql = `SELECT DISTINCT agent_id, action_type FROM metric_totals
      WHERE workspace_id = ? AND metric = 'proposals' ORDER BY agent_id, action_type`;
    return (await this.reader.all(sql, [this.ws])).map((r) => ({
      agentId: String(r.agent_id),
      actionType: String(r.action_type),
    }));
  }

  #where(filter: AutonomyFilter): { where: string; params: SqlValue[] } {
    const where = ["workspace_id = ?"];
    const params: SqlValue[] = [this.ws];
    for (const [column, value] of [
      ["agent_id", filter.agentId],
      ["action_type", filter.actionType],
      ["status", filter.status],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    return { where: where.join(" AND "), params };
  }
}
