import type { ProposalStatus } from "@loopgate/core";
import { decodeReviewCursor, encodeReviewCursor } from "./cursor.ts";
import { decisionFromDb, proposalFromDb, reviewFromDb, type SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import { placeholders } from "./statements.ts";
import type { DecisionRow, ListPage, ProposalRow, ReviewRow } from "./store.ts";

/** Seeded canaries (migration 0010) are no part of history: replay and feedback export never see them. */
const NOT_CANARY = `NOT EXISTS (SELECT 1 FROM canaries c
  WHERE c.workspace_id = proposals.workspace_id AND c.proposal_id = proposals.id)`;

/** A stored proposal with everything people did about it: what replay and feedback export read. */
export interface HistoryRow {
  proposal: ProposalRow;
  /** Its reviews, oldest first. */
  reviews: ReviewRow[];
  /** Its decisions, in the order they were made. */
  decisions: DecisionRow[];
}

/** Where a walk of the history is: the (created time, id) of the last proposal read. */
export interface HistoryPosition {
  createdAt: string;
  id: string;
}

/** A stretch of history: from `since` (a time), after one position and before another (null: open). */
export interface ReplayRange {
  since: string | null;
  /** Inclusive start, where a part of the history cut by {@link HistoryReads.position} begins. */
  from?: HistoryPosition | null;
  after: HistoryPosition | null;
  before: HistoryPosition | null;
}

/** Parts of a proposal's document replay may read; `confidence` and `verdict` are always read. */
export const REPLAY_DOC_PARTS = [
  "action",
  "request",
  "summary",
  "evidence",
  "toolCalls",
  "context",
  "signals",
  "agentName",
] as const;
export type ReplayDocPart = (typeof REPLAY_DOC_PARTS)[number];

/** A proposal as replay reads it first: only the columns and document parts routing needs. */
export interface ReplayRow {
  id: string;
  agentId: string;
  status: ProposalStatus;
  createdAt: string;
  /** The parts asked for (null when absent from the document), the confidence and the route's verdict. */
  doc: Partial<Record<ReplayDocPart, unknown>> & { confidence: unknown; verdict: unknown };
}

/** What people decided about a proposal, for its label: the final payload and the decisions in order. */
export interface HistoryDecisions {
  finalPayload: Record<string, unknown> | null;
  decisions: (DecisionRow & { reviewDecided: boolean })[];
}

/** Proposal ids per `IN (…)` lookup. */
const IDS_PER_QUERY = 500;

/**
 * Reads history for replay and feedback export: proposals oldest first by (created time, id), which
 * migration 0007 indexes, so every page is an index range scan; the page's reviews and decisions come
 * in one query each, by proposal id.
 */
export class HistoryReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly workspaceId: string,
    private readonly engine: "sqlite" | "postgres" = "sqlite",
  ) {}

  async page(since: string | null, limit: number, cursor?: string): Promise<ListPage<HistoryRow>> {
    if (limit < 1) return { items: [], nextCursor: null };
    const after = cursor === undefined ? null : decodeReviewCursor(cursor);
    const where = ["workspace_id = ?", NOT_CANARY];
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

  /**
   * One page of {@link ReplayRow}s after `after` (from the start when null) and before `before` (to the
   * end when null), oldest first: one index range scan, and only the named document parts are read
   * out of the stored document (`json_extract` on SQLite, `->` on PostgreSQL), so the response text
   * and the rest are never copied or parsed.
   */
  async replayRows(range: ReplayRange, parts: readonly ReplayDocPart[], limit: number): Promise<ReplayRow[]> {
    const where = ["workspace_id = ?", NOT_CANARY];
    const params: SqlValue[] = [this.workspaceId];
    if (range.since !== null) {
      where.push("created_at >= ?");
      params.push(range.since);
    }
    if (range.from != null) {
      where.push("(created_at, id) >= (?, ?)");
      params.push(range.from.createdAt, range.from.id);
    }
    if (range.after !== null) {
      where.push("(created_at, id) > (?, ?)");
      params.push(range.after.createdAt, range.after.id);
    }
    if (range.before !== null) {
      where.push("(created_at, id) < (?, ?)");
      params.push(range.before.createdAt, range.before.id);
    }
    const paths = [...parts.map((part) => part), "confidence", "route"];
    const docSql =
      this.engine === "postgres"
        ? `jsonb_build_array(${paths.map((p) => (p === "route" ? "doc->'route'->'verdict'" : `doc->'${p}'`)).join(", ")})`
        : `json_extract(doc, ${paths.map((p) => (p === "route" ? "'$.route.verdict'" : `'$.${p}'`)).join(", ")})`;
    const sql = `SELECT id, agent_id, status, created_at, ${docSql} AS parts FROM proposals
      WHERE ${where.join(" AND ")} ORDER BY created_at, id LIMIT ?`;
    const rows = await this.reader.all(sql, [...params, limit]);
    return rows.map((row) => {
      const values = (typeof row.parts === "string" ? JSON.parse(row.parts) : row.parts) as unknown[];
      const doc: ReplayRow["doc"] = { confidence: values[parts.length], verdict: values[parts.length + 1] };
      parts.forEach((part, i) => {
        doc[part] = values[i] ?? null;
      });
      return {
        id: String(row.id),
        agentId: String(row.agent_id),
        status: String(row.status) as ProposalStatus,
        createdAt: String(row.created_at),
        doc,
      };
    });
  }

  /**
   * The position of the `offset`-th proposal from `since` (0 the first) and, when given, from position
   * `from` (inclusive) — so cutting a history into many parts reads each stretch once — or null past the end.
   */
  async position(
    since: string | null,
    offset: number,
    from: HistoryPosition | null = null,
  ): Promise<HistoryPosition | null> {
    const where = [`workspace_id = ?`, NOT_CANARY];
    const params: (string | number)[] = [this.workspaceId];
    if (since !== null) {
      where.push("created_at >= ?");
      params.push(since);
    }
    if (from !== null) {
      where.push("(created_at, id) >= (?, ?)");
      params.push(from.createdAt, from.id);
    }
    const sql = `SELECT created_at, id FROM proposals WHERE ${where.join(" AND ")}
      ORDER BY created_at, id LIMIT 1 OFFSET ?`;
    const [row] = await this.reader.all(sql, [...params, offset]);
    return row === undefined ? null : { createdAt: String(row.created_at), id: String(row.id) };
  }

  /**
   * The final payload and decisions (in order, each with whether its review was decided) of proposals.
   * Ordered by proposal first, so the lookup walks `decisions_proposal`: ordered by time alone, SQLite
   * prefers `decisions_at` and reads every decision stored, for each page.
   */
  async decisionsOf(proposalIds: readonly string[]): Promise<Map<string, HistoryDecisions>> {
    const found = new Map<string, HistoryDecisions>();
    for (let i = 0; i < proposalIds.length; i += IDS_PER_QUERY) {
      const ids = proposalIds.slice(i, i + IDS_PER_QUERY);
      const params = [this.workspaceId, ...ids];
      const finalPayload =
        this.engine === "postgres"
          ? "doc->'finalPayload'"
          : "json_extract(doc, '$.finalPayload', '$.revision')";
      const [proposals, decisions] = await Promise.all([
        this.reader.all(
          `SELECT id, ${finalPayload} AS final_payload FROM proposals WHERE workspace_id = ? AND id IN (${placeholders(ids.length)})`,
          params,
        ),
        this.reader.all(
          `SELECT d.*, (SELECT r.status FROM reviews r WHERE r.workspace_id = d.workspace_id AND r.id = d.review_id) AS review_status
            FROM decisions d WHERE d.workspace_id = ? AND d.proposal_id IN (${placeholders(ids.length)})
            ORDER BY d.proposal_id, d.at, d.id`,
          params,
        ),
      ]);
      for (const row of proposals) {
        const value =
          typeof row.final_payload === "string" ? JSON.parse(row.final_payload) : row.final_payload;
        // SQLite answers two paths as an array, so that a JSON null stays distinguishable from SQL NULL.
        const payload = this.engine === "postgres" ? value : (value as unknown[])[0];
        found.set(String(row.id), {
          finalPayload: (payload ?? null) as Record<string, unknown> | null,
          decisions: [],
        });
      }
      for (const row of decisions) {
        found
          .get(String(row.proposal_id))
          ?.decisions.push({ ...decisionFromDb(row), reviewDecided: row.review_status === "decided" });
      }
    }
    return found;
  }

  async size(since: string | null): Promise<number> {
    const sql =
      since === null
        ? `SELECT COUNT(*) AS n FROM proposals WHERE workspace_id = ? AND ${NOT_CANARY}`
        : `SELECT COUNT(*) AS n FROM proposals WHERE workspace_id = ? AND ${NOT_CANARY} AND created_at >= ?`;
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
