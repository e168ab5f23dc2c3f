import { decodeReviewCursor, encodeReviewCursor } from "./cursor.ts";
import { decisionFromDb, proposalFromDb, reviewFromDb, type SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";
import type { DecisionRow, ListPage, ProposalRow, ReviewRow } from "./store.ts";

/** A stored proposal with everything people did about it: what replay and feedback export read. */
export interface HistoryRow {
  proposal: ProposalRow;
  /** Its reviews, oldest first. */
  reviews: ReviewRow[];
  /** Its decisions, in the order they were made. */
  decisions: DecisionRow[];
}

/**
 * Reads history for replay and feedback export: proposals oldest first by (created time, id), which
 * migration 0007 indexes, so every page is an index range scan; the page's reviews and decisions come
 * in one query each, by proposal id.
 */
export class HistoryReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly workspaceId: string,
  ) {}

  async page(since: string | null, limit: number, cursor?: string): Promise<ListPage<HistoryRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const after = cursor === undefined ? null : decodeReviewCursor(cursor);
    const where = ["workspace_id = ?"];
    const params: SqlValue[] = [this.workspaceId];
    if (since !== null) {
      where.push("created_at >= ?");
      params.push(since);
    }
    if (after !== null) {
      where.push("(created_at, id) > (?, ?)");
      params.push(after.dueAt, after.id);
    }
    const sql = `SELECT * FROM proposals WHERE ${where.join(" AND ")} ORDER BY created_at, id LIMIT ?`;
    const proposals = (await this.reader.all(sql, [...params, limit + 1])).map(proposalFromDb);
    const more = proposals.length > limit;
    if (more) proposals.length = limit;
    const items = await this.#withReviews(proposals);
    const last = proposals[proposals.length - 1];
    return {
      items,
      nextCursor: more && last !== undefined ? encodeReviewCursor(last.createdAt, last.id) : null,
    };
  }

  async size(since: string | null): Promise<number> {
    const sql =
      since === null
        ? "SELECT COUNT(*) AS n FROM proposals WHERE workspace_id = ?"
        : "SELECT COUNT(*) AS n FROM proposals WHERE workspace_id = ? AND created_at >= ?";
    const [row] = await this.reader.all(sql, since === null ? [this.workspaceId] : [this.workspaceId, since]);
    return Number(row?.n ?? 0);
  }

  async #withReviews(proposals: ProposalRow[]): Promise<HistoryRow[]> {
    if (proposals.length === 0) return [];
    const ids = proposals.map((p) => p.id);
    const inIds = `proposal_id IN (${placeholders(ids.length)})`;
    const params = [this.workspaceId, ...ids];
    const [reviewRows, decisionRows] = await Promise.all([
      this.reader.all(
        `SELECT * FROM reviews WHERE workspace_id = ? AND ${inIds} ORDER BY created_at, id`,
        params,
      ),
      this.reader.all(`SELECT * FROM decisions WHERE workspace_id = ? AND ${inIds} ORDER BY at, id`, params),
    ]);
    const rows = new Map<string, HistoryRow>(
      proposals.map((proposal) => [proposal.id, { proposal, reviews: [], decisions: [] }]),
    );
    for (const review of reviewRows.map(reviewFromDb)) rows.get(review.proposalId)?.reviews.push(review);
    for (const decision of decisionRows.map(decisionFromDb))
      rows.get(decision.proposalId)?.decisions.push(decision);
    return [...rows.values()];
  }
}
