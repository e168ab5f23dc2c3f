import type { ProposalStatus, ReviewStatus } from "@loopgate/core";
import type { Proposal } from "../api/types.ts";

/**
 * Whether each proposal status comes after review: the decision (or its absence) is final and the
 * page shows a record, not a form. As a record over core's type, so a status added there fails the
 * typecheck until it is placed here. `auto_approved` is not: its review, if any, comes after it ran.
 */
const PAST_REVIEW: Record<ProposalStatus, boolean> = {
  auto_approved: false,
  pending_review: false,
  escalated: false,
  needs_info: false,
  held: false,
  approved: true,
  approved_with_edits: true,
  rejected: true,
  expired: true,
  handled_manually: true,
  cancelled: true,
  blocked: true,
};

/** Review statuses in which the review still waits for a decision. */
const OPEN: Record<ReviewStatus, boolean> = {
  pending: true,
  escalated: true,
  decided: false,
  expired: false,
  cancelled: false,
};

/**
 * Whether the review at `reviewId` is closed (decided, expired, cancelled) or its proposal is past
 * review: the page then shows what was proposed, what was approved and who decided, read only.
 */
export function isClosedReview(proposal: Pick<Proposal, "status" | "review" | "reviews">, reviewId: string) {
  if (PAST_REVIEW[proposal.status]) return true;
  const review = proposal.reviews.find((r) => r.id === reviewId) ?? proposal.review;
  return review !== null && OPEN[review.status as ReviewStatus] === false;
}
