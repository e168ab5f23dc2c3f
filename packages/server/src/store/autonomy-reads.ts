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

/** What the executions of one agent and action type did within a window (`updated_at` in it). */
export interface ExecutionCounts {
  /** Executions of the action that ended: executed, failed, dead-lettered or unknown. */
  finished: number;
  succeeded: number;
  /** Failed, dead-lettered or with an unknown outcome. */
  failed: number;
  /** Rollbacks started (rollback executions created in the window). */
  rollbacks: number;
}

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

  /** Counts the executions of one agent and action type that changed within `[from, to)`. */
  async executionCounts(
    agentId: string,
    actionType: string,
    from: string,
    to: string,
  ): Promise<ExecutionCounts> {
    const sql = `SELECT
        SUM(CASE WHEN kind = 'execute' AND status IN ('executed', 'failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END) AS finished,
        SUM(CASE WHEN kind = 'execute' AND status = 'executed' THEN 1 ELSE 0 END) AS succeeded,
        SUM(CASE WHEN kind = 'execute' AND status IN ('failed', 'dead_lettered', 'unknown') THEN 1 ELSE 0 END) AS failed,
        SUM(CASE WHEN kind = 'rollback' AND created_at >= ? THEN 1 ELSE 0 END) AS rollbacks
      FROM executions WHERE workspace_id = ? AND agent_id = ? AND action_type = ?
        AND updated_at >= ? AND updated_at < ?`;
    const [row] = await this.reader.all(sql, [from, this.ws, agentId, actionType, from, to]);
    return {
      finished: Number(row?.finished ?? 0),
      succeeded: Number(row?.succeeded ?? 0),
      failed: Number(row?.failed ?? 0),
      rollbacks: Number(row?.rollbacks ?? 0),
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

  /** Incidents reported for one agent and action type within `[from, to)`. */
  async incidentCount(agentId: string, actionType: string, from: string, to: string): Promise<number> {
    const sql = `SELECT COUNT(*) AS n FROM outcomes WHERE workspace_id = ? AND agent_id = ? AND action_type = ?
      AND at >= ? AND at < ? AND kind = 'incident'`;
    const [row] = await this.reader.all(sql, [this.ws, agentId, actionType, from, to]);
    return Number(row?.n ?? 0);
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
