import type { DecisionVerdict, Judgement } from "@loopgate/core";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { SqlRunner } from "./sql-runner.ts";
import type { Conflict } from "./store.ts";

/**
 * Reviewer vigilance in SQL (migration 0010), shared by both engines: what each reviewer was seen doing
 * with a review (`review_activity`) and which proposals are seeded canaries (`canaries`) — their rows,
 * the writes `applyChange` delegates here and the reads the store delegates here.
 */

/** What one person was seen doing with one review. Every fact is set once; the first write wins. */
export interface ReviewActivityRow {
  reviewId: string;
  userId: string;
  proposalId: string;
  firstOpenedAt: string | null;
  evidenceOpenedAt: string | null;
  /** The first judgement on a blind review, before the recommendation was shown. */
  judgement: Judgement | null;
  /** Characters of summary, payload, evidence and request in the packet (`packetLength`). */
  packetChars: number | null;
  /** Evidence items the packet held. */
  evidenceItems: number | null;
}

/** A seeded known-bad proposal (its proposal and review rows are ordinary ones). */
export interface CanaryRow {
  proposalId: string;
  /** The canary's name in the policy's `canaries.proposals`. */
  name: string;
  /** What a vigilant reviewer does with it (anything but approve-unchanged is a catch). */
  expect: string;
  /** The real proposal whose arrival seeded it. */
  triggerProposalId: string;
  createdAt: string;
}

/** One decision with the deciding reviewer's activity on its review and the canary mark, if any. */
export interface VigilanceFactRow {
  decisionId: string;
  reviewId: string;
  proposalId: string;
  verdict: DecisionVerdict;
  byId: string;
  byName: string;
  at: string;
  firstOpenedAt: string | null;
  evidenceOpenedAt: string | null;
  judgement: Judgement | null;
  packetChars: number | null;
  evidenceItems: number | null;
  canary: string | null;
}

export type VigilanceWrite =
  /** Records facts about a person's work on a review; a fact already recorded is kept, not overwritten. */
  { kind: "noteReviewActivity"; row: ReviewActivityRow } | { kind: "insertCanary"; row: CanaryRow };

const ACTIVITY_COLUMNS = [
  "workspace_id",
  "review_id",
  "user_id",
  "proposal_id",
  "first_opened_at",
  "evidence_opened_at",
  "judgement",
  "packet_chars",
  "evidence_items",
] as const;
const FIRST_WINS = ACTIVITY_COLUMNS.slice(4).map(
  (c) => `${c} = COALESCE(review_activity.${c}, excluded.${c})`,
);
const qs = (n: number) => Array.from({ length: n }, () => "?").join(", ");

export const VIGILANCE_SQL = {
  noteActivity: `INSERT INTO review_activity (${ACTIVITY_COLUMNS.join(", ")}) VALUES (${qs(ACTIVITY_COLUMNS.length)})
    ON CONFLICT (workspace_id, review_id, user_id) DO UPDATE SET ${FIRST_WINS.join(", ")}`,
  insertCanary: `INSERT INTO canaries (workspace_id, proposal_id, name, expect, trigger_proposal_id, created_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  activity: "SELECT * FROM review_activity WHERE workspace_id = ? AND review_id = ? AND user_id = ?",
  canary: "SELECT * FROM canaries WHERE workspace_id = ? AND proposal_id = ?",
} as const;

/** Applies a vigilance write; a conflict only for a canary inserted twice. */
export async function applyVigilanceWrite(
  tx: SqlRunner,
  ws: string,
  write: VigilanceWrite,
): Promise<Conflict | null> {
  switch (write.kind) {
    case "noteReviewActivity": {
      const r = write.row;
      await tx.run(VIGILANCE_SQL.noteActivity, [
        ws,
        r.reviewId,
        r.userId,
        r.proposalId,
        r.firstOpenedAt,
        r.evidenceOpenedAt,
        r.judgement === null ? null : JSON.stringify(r.judgement),
        r.packetChars,
        r.evidenceItems,
      ]);
      return null;
    }
    case "insertCanary": {
      const r = write.row;
      const changed = await tx.run(VIGILANCE_SQL.insertCanary, [
        ws,
        r.proposalId,
        r.name,
        r.expect,
        r.triggerProposalId,
        r.createdAt,
      ]);
      return changed === 1 ? null : { kind: "duplicate", table: "canaries", id: r.proposalId };
    }
    default:
      return unreachable(write);
  }
}

/** Verdicts on a proposal; a reconciliation review's verbs (`mark_executed`, …) say nothing about vigilance. */
const REVIEW_VERDICTS = ["approve", "edit", "reject", "escalate", "request_info", "handle_manually"]
  .map((verdict) => `'${verdict}'`)
  .join(", ");

/** Most decisions one vigilance read returns; a longer window should be split. */
export const MAX_VIGILANCE_FACTS = 500_000;

/** Reads of the vigilance tables. */
export class VigilanceReads {
  constructor(
    private readonly reader: SqlRunner,
    private readonly ws: string,
  ) {}

  async activity(reviewId: string, userId: string): Promise<ReviewActivityRow | null> {
    const [row] = await this.reader.all(VIGILANCE_SQL.activity, [this.ws, reviewId, userId]);
    return row === undefined ? null : activityFromDb(row);
  }

  async canary(proposalId: string): Promise<CanaryRow | null> {
    const [row] = await this.reader.all(VIGILANCE_SQL.canary, [this.ws, proposalId]);
    return row === undefined ? null : canaryFromDb(row);
  }

  /** Decisions on proposals made in `[from, to)`, oldest first, optionally of one reviewer, with activity and canary marks. */
  async facts(from: string, to: string, reviewerId?: string): Promise<VigilanceFactRow[]> {
    const params: SqlValue[] = [this.ws, from, to];
    let byReviewer = "";
    if (reviewerId !== undefined) {
      byReviewer = " AND d.by_id = ?";
      params.push(reviewerId);
    }
    const rows = await this.reader.all(
      `SELECT d.id, d.review_id, d.proposal_id, d.verdict, d.by_id, d.by_name, d.at,
          a.first_opened_at, a.evidence_opened_at, a.judgement, a.packet_chars, a.evidence_items,
          c.name AS canary_name
        FROM decisions d
        LEFT JOIN review_activity a
          ON a.workspace_id = d.workspace_id AND a.review_id = d.review_id AND a.user_id = d.by_id
        LEFT JOIN canaries c ON c.workspace_id = d.workspace_id AND c.proposal_id = d.proposal_id
        WHERE d.workspace_id = ? AND d.at >= ? AND d.at < ? AND d.verdict IN (${REVIEW_VERDICTS})${byReviewer}
        ORDER BY d.at, d.id LIMIT ${MAX_VIGILANCE_FACTS}`,
      params,
    );
    return rows.map((r) => ({
      decisionId: String(r.id),
      reviewId: String(r.review_id),
      proposalId: String(r.proposal_id),
      verdict: String(r.verdict) as DecisionVerdict,
      byId: String(r.by_id),
      byName: String(r.by_name),
      at: String(r.at),
      firstOpenedAt: textOrNull(r.first_opened_at),
      evidenceOpenedAt: textOrNull(r.evidence_opened_at),
      judgement: judgementOf(r.judgement),
      packetChars: intOrNull(r.packet_chars),
      evidenceItems: intOrNull(r.evidence_items),
      canary: textOrNull(r.canary_name),
    }));
  }
}

function activityFromDb(r: DbRecord): ReviewActivityRow {
  return {
    reviewId: String(r.review_id),
    userId: String(r.user_id),
    proposalId: String(r.proposal_id),
    firstOpenedAt: textOrNull(r.first_opened_at),
    evidenceOpenedAt: textOrNull(r.evidence_opened_at),
    judgement: judgementOf(r.judgement),
    packetChars: intOrNull(r.packet_chars),
    evidenceItems: intOrNull(r.evidence_items),
  };
}

function canaryFromDb(r: DbRecord): CanaryRow {
  return {
    proposalId: String(r.proposal_id),
    name: String(r.name),
    expect: String(r.expect),
    triggerProposalId: String(r.trigger_proposal_id),
    createdAt: String(r.created_at),
  };
}

const textOrNull = (value: unknown): string | null => (value == null ? null : String(value));
const intOrNull = (value: unknown): number | null => (value == null ? null : Number(value));
const judgementOf = (value: unknown): Judgement | null =>
  value == null ? null : ((typeof value === "string" ? JSON.parse(value) : value) as Judgement);

function unreachable(write: never): never {
  throw new TypeError(`unknown vigilance write ${JSON.stringify((write as { kind?: unknown }).kind)}`);
}
