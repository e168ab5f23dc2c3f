import { maskPii } from "@loopgate/core";
import type { DecisionRow, ProposalRow, ReviewRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { type Principal, worksQueue } from "./principal.ts";

/** Loads a review the caller may act on, or refuses with 404 / 403. */
export async function loadReview(deps: AppDeps, principal: Principal, reviewId: string): Promise<ReviewRow> {
  const review = await deps.store.review(reviewId);
  if (review === null) {
    throw new AppError(
      "not_found",
      "review_not_found",
      `No review ${reviewId}: list open reviews with GET /v1/reviews`,
    );
  }
  if (!worksQueue(principal, review.queue)) {
    throw new AppError(
      "forbidden",
      "queue_not_allowed",
      `You do not work the "${review.queue}" queue; ask an owner to add it to your queues`,
    );
  }
  return review;
}

export async function loadProposal(deps: AppDeps, proposalId: string): Promise<ProposalRow> {
  const proposal = await deps.store.proposal(proposalId);
  if (proposal === null) {
    throw new AppError(
      "not_found",
      "proposal_not_found",
      `No proposal ${proposalId}: use the id returned by POST /v1/proposals`,
    );
  }
  return proposal;
}

/**
 * Refuses a queue filter that found nothing and names no queue of the active policy, so that a typo
 * reads as a 404 listing the policy's queues rather than as an empty queue. Call it only on an empty
 * answer: a queue an older policy named still holds its reviews, and the read itself finds them.
 */
export function refuseUnknownQueue(deps: AppDeps, queue: string | undefined): void {
  const policy = deps.policies.activeOrNull();
  if (queue === undefined || policy === null || policy.queues.has(queue)) return;
  const known = [...policy.queues.keys()].sort().join(", ");
  throw new AppError(
    "not_found",
    "unknown_queue",
    `No queue "${queue}" in the policy (version ${policy.version}) and no reviews in it: its queues are ${known}`,
    { queue, queues: [...policy.queues.keys()].sort() },
  );
}

/** The decision that closed a review, for a 409 that tells the loser who won. */
export function winningDecision(review: ReviewRow, decisions: readonly DecisionRow[]): DecisionRow | null {
  const own = decisions.filter((d) => d.reviewId === review.id);
  return own[own.length - 1] ?? null;
}

/**
 * Refuses a decision on a review that is no longer open: 410 when it ended by expiry, else 409 with the
 * winner — worded for the caller (`callerId`, a user id) when the decision that closed it was their own.
 */
export async function refuseClosed(
  deps: AppDeps,
  review: ReviewRow,
  caller: { id: string; pii: boolean },
): Promise<never> {
  if (review.status === "expired") {
    throw new AppError(
      "gone",
      "review_expired",
      `This review passed its due time (${review.dueAt}) and its on-expiry rule was applied; it can no longer be decided`,
      { reviewId: review.id, proposalId: review.proposalId, dueAt: review.dueAt },
    );
  }
  const decisions = await deps.store.decisionsOfProposal(review.proposalId);
  const winner = winningDecision(review, decisions);
  const proposal = await deps.store.proposal(review.proposalId);
  throw new AppError(
    "conflict",
    review.status === "cancelled" ? "review_cancelled" : "already_decided",
    review.status === "cancelled" ? cancelledMessage(review) : closedMessage(winner, caller.id),
    {
      reviewId: review.id,
      proposalId: review.proposalId,
      reviewStatus: review.status,
      proposalStatus: proposal?.status ?? null,
      decision: winner
        ? {
            id: winner.id,
            verdict: winner.verdict,
            by: { id: winner.byId, name: winner.byName },
            at: winner.at,
            category: winner.category,
            // A comment may quote the personal data its writer saw: masked as the packet masks it.
            comment: caller.pii ? winner.comment : maskPii(winner.comment),
          }
        : null,
    },
  );
}

/** A review someone holds a claim on. */
export type ClaimedReview = ReviewRow & { claimedBy: { id: string; name: string }; claimExpiresAt: string };

/** Whether someone other than `userId` holds a live claim on `review` at `now`. */
export function claimedByOther(review: ReviewRow, userId: string, now: Date): review is ClaimedReview {
  return (
    review.claimedBy !== null &&
    review.claimedBy.id !== userId &&
    review.claimExpiresAt !== null &&
    Date.parse(review.claimExpiresAt) > now.getTime()
  );
}

/**
 * The 409 for a decision on a review someone else holds a live claim on (see `claimedByOther`): a claim
 * is a courtesy lease, and every verb — ordinary and reconciliation alike — honours it. `subject` names
 * the held review when it is not the one being decided.
 */
export function claimedByOtherError(review: ClaimedReview, subject = "this review"): AppError {
  return new AppError(
    "conflict",
    "claimed_by_other",
    `${review.claimedBy.name} is working on ${subject} until ${review.claimExpiresAt}; pick another one`,
    { claim: { by: review.claimedBy, expiresAt: review.claimExpiresAt } },
  );
}

export function isOpen(review: ReviewRow): boolean {
  return review.status === "pending" || review.status === "escalated";
}

/** Why a review closed without a decision of its own: the agent withdrew, or there is nothing to settle. */
function cancelledMessage(review: ReviewRow): string {
  return review.reconciliation === null
    ? "The agent withdrew this proposal; nothing to decide"
    : "This execution was already settled on another review of the proposal; nothing left to reconcile here";
}

function closedMessage(winner: DecisionRow | null, callerId: string): string {
  if (winner !== null && winner.byId === callerId) {
    return `You already decided this review (${winner.verdict} at ${winner.at}); nothing more to do here`;
  }
  return `Someone else decided this review first${winner ? ` (${winner.byName}: ${winner.verdict})` : ""}; move on to the next one`;
}
