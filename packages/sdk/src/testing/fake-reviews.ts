import type { ClaimOptions, ListPage, ListReviewsQuery, ReviewItem, ReviewListItem } from "../types.ts";
import { newReview, reviewSummary } from "./fake-proposal.ts";
import type { Entry, FakeState } from "./fake-state.ts";

/** The reviewer the fake's rules (and `decide()`) decide as. */
export const FAKE_REVIEWER: Readonly<{ id: string; name: string }> = Object.freeze({
  id: "fake-reviewer",
  name: "Fake Reviewer",
});

/** How a review leaves the queue. */
export type ReviewEnd = "decided" | "expired" | "cancelled";

/** Opens a review of the proposal at `level` (0 first, one more per escalation) and puts it in the queue. */
export function openNewReview(state: FakeState, entry: Entry, level: number): void {
  const review = newReview(state.id("r"), entry.proposal, level, Date.now());
  state.reviews.set(review.id, review);
  entry.review = review;
  entry.proposal.reviews.push(reviewSummary(review));
  entry.proposal.review = reviewSummary(review);
}

/** Ends the proposal's open review, if any, and updates the summaries the proposal embeds. */
export function closeReview(entry: Entry, status: ReviewEnd): void {
  if (entry.review === null) return;
  entry.review.status = status;
  entry.review.claim = null;
  const summary = reviewSummary(entry.review);
  const p = entry.proposal;
  p.reviews = p.reviews.map((r) => (r.id === summary.id ? summary : r));
  p.review = summary;
  entry.review = null;
}

/** Gives the review to the fake reviewer for `leaseSeconds` (default 300). */
export function claimReview(review: ReviewItem, options: ClaimOptions): void {
  const expiresAt = new Date(Date.now() + (options.leaseSeconds ?? 300) * 1000).toISOString();
  review.claim = { by: { ...FAKE_REVIEWER }, expiresAt };
}

/** The stored reviews matching the filters (without `status`, those still waiting), oldest due first. */
export function matchingReviews(state: FakeState, query: ListReviewsQuery): ReviewItem[] {
  return [...state.reviews.values()]
    .filter((r) =>
      query.status ? r.status === query.status : r.status === "pending" || r.status === "escalated",
    )
    .filter((r) => query.queue === undefined || r.queue === query.queue)
    .filter((r) => query.actionType === undefined || r.actionType === query.actionType)
    .filter((r) => query.agent === undefined || r.agent === query.agent)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/**
 * One page of the queue as `GET /v1/reviews` answers it: {@link matchingReviews}, each saying whether the
 * fake reviewer approved it already. The cursor is the offset of the next page.
 */
export function queuePage(state: FakeState, query: ListReviewsQuery): ListPage<ReviewListItem> {
  const matching = matchingReviews(state, query);
  const start = query.cursor === undefined ? 0 : Number(query.cursor);
  const end = start + (query.limit ?? 50);
  const items = matching.slice(start, end).map((review) => ({
    ...review,
    approvedByCaller: review.approvers.some((approver) => approver.id === FAKE_REVIEWER.id),
  }));
  return { items, nextCursor: end < matching.length ? String(end) : null };
}
