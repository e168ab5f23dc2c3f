import { reviewLabel } from "../learning/review-label.ts";
import type { DecisionVerdict, ProposalStatus } from "../lifecycle/statuses.ts";
import type { Signals } from "../wire/proposal.ts";
import type { ReplayRoute } from "../wire/replay.ts";

/** A person's decision on one of the proposal's reviews, as stored. */
export interface RecordedDecision {
  id: string;
  reviewId: string;
  /** True when the review this decision belongs to is closed by a decision (status `decided`). */
  reviewDecided: boolean;
  verdict: DecisionVerdict;
  /** The edited payload of an `edit`, else null. */
  payload: Record<string, unknown> | null;
  byId: string;
  at: string;
  category: string | null;
  comment: string | null;
}

/**
 * One stored proposal as replay and feedback export read it: what routing saw (the input, the signals
 * and confidence AS RECORDED, never recomputed), the route it got, where it ended and what people decided.
 */
export interface ReplayRecord {
  proposalId: string;
  agent: { id: string; name: string };
  createdAt: string;
  input: {
    action: { type: string; payload: Record<string, unknown> };
    request: unknown;
    summary: string | null;
    evidence: unknown[];
    toolCalls: unknown[];
    context: Record<string, unknown>;
  };
  signals: Signals;
  confidence: { calibrated: number | null; raw: number | null };
  /** The policy's verdict when the proposal was routed (a stop's `held` is not a verdict). */
  recordedVerdict: ReplayRoute;
  status: ProposalStatus;
  /** The approved payload, once approved (the proposed one or a reviewer's edit). */
  finalPayload: Record<string, unknown> | null;
  /** Every decision, in any order; readers sort by time then id. */
  decisions: RecordedDecision[];
}

/** Statuses in which an approval is not yet complete (a second approver is still needed). */
const UNFINISHED: readonly ProposalStatus[] = ["pending_review", "escalated", "needs_info", "held"];

/** Decisions in the order they were made: time, then id (ids are time-ordered too). */
export function decisionsInOrder(decisions: readonly RecordedDecision[]): RecordedDecision[] {
  return [...decisions].sort((a, b) =>
    a.at === b.at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.at < b.at ? -1 : 1,
  );
}

/**
 * What people's decisions say about the proposal (SPEC §5 "What is learned"): the label of its last
 * outcome decision (approve, edit, reject, handle manually), or null when it has none — never reviewed,
 * only escalated or asked for information, or an approval still waiting for its second approver.
 *
 * @example
 * ```ts
 * recordedLabel(record); // 1 approved unchanged, 0 rejected, 0.8 edited a little, null never decided
 * ```
 */
export function recordedLabel(record: ReplayRecord): number | null {
  const ordered = decisionsInOrder(record.decisions);
  for (let i = ordered.length - 1; i >= 0; i--) {
    const decision = ordered[i]!;
    if (decision.verdict === "escalate" || decision.verdict === "request_info") continue;
    const approving = decision.verdict === "approve" || decision.verdict === "edit";
    if (approving && UNFINISHED.includes(record.status)) return null;
    const finalPayload = approving
      ? (record.finalPayload ?? decision.payload ?? record.input.action.payload)
      : null;
    return (
      reviewLabel({
        verdict: decision.verdict,
        proposedPayload: record.input.action.payload,
        finalPayload,
      })?.label ?? null
    );
  }
  return null;
}
