import {
  type AuditDraft,
  type Judgement,
  JudgementInput,
  packetLength,
  type ReviewActivity,
  ReviewActivityInput,
} from "@loopgate/core";
import type { ProposalRow, ReviewRow, Write } from "../store/store.ts";
import type { ReviewActivityRow } from "../store/vigilance-rows.ts";
import { AppError } from "./app-error.ts";
import { isBlindReview } from "./blind-review.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { actorOf, type Principal, requireDecider } from "./principal.ts";
import { isOpen, loadProposal, loadReview } from "./review-access.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * What a reviewer was seen doing with a review, for vigilance (SPEC §5): the first opening of the packet,
 * the first showing of its evidence and, on a blind review, the first judgement.
 *
 * Openings are facts about attention, not changes of state: they are recorded once per review and
 * person (the first wins) and NOT written to the audit log, which a reviewer reloading a page would
 * otherwise flood. What they prove reaches the audit log with the decision: its `decision.recorded` entry
 * carries `dwellMs` and `evidenceOpened`. A first judgement is a reviewer's act and is audited.
 */

/** The row recording what the packet of `proposal` shows, with nothing seen yet. */
function activityRow(review: ReviewRow, userId: string, proposal: ProposalRow): ReviewActivityRow {
  const doc = proposal.doc;
  return {
    reviewId: review.id,
    userId,
    proposalId: proposal.id,
    firstOpenedAt: null,
    evidenceOpenedAt: null,
    judgement: null,
    packetChars: packetLength({
      summary: doc.summary,
      payload: doc.finalPayload ?? doc.action.payload,
      evidence: doc.evidence,
      request: doc.request,
    }),
    evidenceItems: doc.evidence.length,
  };
}

/**
 * Records that a person opened the packet of an open review (the reviewer app fetched the proposal).
 * One read per fetch; a write only the first time.
 */
export async function noteFirstOpen(
  deps: AppDeps,
  principal: Principal,
  proposal: ProposalRow,
  review: ReviewRow,
): Promise<ReviewActivityRow | null> {
  if (principal.kind !== "user" || (principal.user.role !== "reviewer" && principal.user.role !== "owner"))
    return null;
  const userId = principal.user.id;
  const seen = await deps.store.reviewActivity(review.id, userId);
  const opening = firstOpening(deps, userId, proposal, review, seen);
  if (opening === null) return seen;
  await deps.store.commit({ writes: [opening.write], audit: [] });
  return (await deps.store.reviewActivity(review.id, userId)) ?? opening.row;
}

/**
 * The write that records `userId`'s first opening of the packet of `review` now, with the row as it
 * reads once written (what was `seen` before wins, as the store's upsert keeps it); null when the
 * first opening is already recorded. For a caller that writes it with another change (claim-next
 * writes it with the claim).
 *
 * @example
 * ```ts
 * const opening = firstOpening(deps, user.id, proposal, review, await deps.store.reviewActivity(review.id, user.id));
 * if (opening !== null) await deps.store.commit({ writes: [claimWrite, opening.write], audit });
 * ```
 */
export function firstOpening(
  deps: AppDeps,
  userId: string,
  proposal: ProposalRow,
  review: ReviewRow,
  seen: ReviewActivityRow | null,
): { write: Write; row: ReviewActivityRow } | null {
  if (seen?.firstOpenedAt != null) return null;
  const row = { ...activityRow(review, userId, proposal), firstOpenedAt: deps.now().toISOString() };
  const stored: ReviewActivityRow =
    seen === null
      ? row
      : {
          ...row,
          evidenceOpenedAt: seen.evidenceOpenedAt ?? row.evidenceOpenedAt,
          judgement: seen.judgement ?? row.judgement,
          packetChars: seen.packetChars ?? row.packetChars,
          evidenceItems: seen.evidenceItems ?? row.evidenceItems,
        };
  return { write: { kind: "noteReviewActivity", row }, row: stored };
}

/** `POST /v1/reviews/:id/activity`: the reviewer app reports that the packet or its evidence was shown. */
export async function recordActivity(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
  body: unknown,
): Promise<ReviewActivity> {
  const person = requireDecider(principal);
  const parsed = parseInput(ReviewActivityInput, body, "invalid_input");
  const review = await loadReview(deps, principal, reviewId);
  const proposal = await loadProposal(deps, review.proposalId);
  const at = deps.now().toISOString();
  const row = activityRow(review, person.user.id, proposal);
  // Evidence cannot be shown before the packet: its first showing also counts as the first opening.
  row.firstOpenedAt = at;
  if (parsed.kind === "evidence_opened") row.evidenceOpenedAt = at;
  await deps.store.commit({ writes: [{ kind: "noteReviewActivity", row }], audit: [] });
  return activityView(review.id, await deps.store.reviewActivity(review.id, person.user.id));
}

/**
 * `POST /v1/reviews/:id/judgement`: a reviewer's first judgement on a blind review, recorded before
 * the agent's recommendation and confidence are shown. Once only; audited.
 */
export async function recordJudgement(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
  body: unknown,
): Promise<ReviewActivity> {
  const person = requireDecider(principal);
  const parsed = parseInput(JudgementInput, body, "invalid_input");
  const review = await loadReview(deps, principal, reviewId);
  if (!isOpen(review)) {
    throw new AppError(
      "conflict",
      "review_closed",
      `This review is ${review.status}: a first judgement is recorded before deciding an open review`,
    );
  }
  if (!(await isBlindReview(deps, review))) {
    throw new AppError(
      "unprocessable",
      "not_a_blind_review",
      `The "${review.queue}" queue does not review blind: decide with POST /v1/reviews/${review.id}/decisions`,
    );
  }
  const seen = await deps.store.reviewActivity(review.id, person.user.id);
  if (seen?.judgement != null) {
    throw new AppError(
      "conflict",
      "judgement_already_recorded",
      "Your first judgement on this review is already recorded; decide with POST /v1/reviews/:id/decisions",
      { judgement: seen.judgement },
    );
  }
  const proposal = await loadProposal(deps, review.proposalId);
  const at = deps.now().toISOString();
  const judgement: Judgement = { verdict: parsed.verdict, comment: parsed.comment ?? null, at };
  const row = { ...activityRow(review, person.user.id, proposal), firstOpenedAt: at, judgement };
  const audit: AuditDraft = {
    at,
    actor: actorOf(person),
    type: "review.judged",
    proposalId: proposal.id,
    data: {
      reviewId: review.id,
      verdict: judgement.verdict,
      commentHash: judgement.comment === null ? null : hashPayloadNative(judgement.comment),
    },
  };
  await deps.store.commit({ writes: [{ kind: "noteReviewActivity", row }], audit: [audit] });
  return activityView(review.id, await deps.store.reviewActivity(review.id, person.user.id));
}

function activityView(reviewId: string, row: ReviewActivityRow | null): ReviewActivity {
  return {
    reviewId,
    firstOpenedAt: row?.firstOpenedAt ?? null,
    evidenceOpenedAt: row?.evidenceOpenedAt ?? null,
    judgement: row?.judgement ?? null,
  };
}

/**
 * The vigilance part of a decision: the packet's size kept beside the activity (so an API decision
 * without any read still counts, as "not opened"), and `dwellMs`, `evidenceOpened` and the first
 * judgement added to the `decision.recorded` audit entry.
 */
export async function decisionVigilance(
  deps: AppDeps,
  review: ReviewRow,
  proposal: ProposalRow,
  user: { id: string },
  at: string,
): Promise<{ writes: Write[]; auditData: Record<string, unknown> }> {
  const seen = await deps.store.reviewActivity(review.id, user.id);
  const row = activityRow(review, user.id, proposal);
  const dwellMs =
    seen?.firstOpenedAt == null ? null : Math.max(0, Date.parse(at) - Date.parse(seen.firstOpenedAt));
  return {
    writes: [{ kind: "noteReviewActivity", row }],
    auditData: {
      dwellMs,
      evidenceOpened: seen?.evidenceOpenedAt != null,
      packetChars: row.packetChars,
      ...(seen?.judgement == null ? {} : { judgement: seen.judgement.verdict }),
    },
  };
}

/** Adds the vigilance part to a planned decision: its write, and its facts on the decision's audit entry. */
export function withDecisionVigilance(
  outcome: { writes: Write[]; audit: AuditDraft[] },
  part: { writes: Write[]; auditData: Record<string, unknown> },
): void {
  outcome.writes.push(...part.writes);
  const entry = outcome.audit.find((draft) => draft.type === "decision.recorded");
  // Not `{ ...data, ...auditData }`: V8 keeps such copies past young collections (store/metric-increment.ts).
  if (entry !== undefined) entry.data = Object.assign({}, entry.data, part.auditData);
}
