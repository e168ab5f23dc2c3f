import type { ClaimOptions, ListPage, ListReviewsQuery, ReviewItem } from "../types.ts";
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

/**
 * One page of the queue as `GET /v1/reviews` answers it: the reviews matching the filters (without
 * `status`, those still waiting), oldest due first. The cursor is the offset of the next page.
 */
export function queuePage(state: FakeState, query: ListReviewsQuery): ListPage<ReviewItem> {
  const matching = [...state.reviews.values()]
    .filter((r) =>
      query.status ? r.status === query.status : r.status === "pending" || r.status === "escalated",
    )
    .filter((r) => query.queue === undefined || r.queue === query.queue)
    .filter((r) => query.actionType === undefined || r.actionType === query.actionType)
    .filter((r) => query.agent === undefined || r.agent === query.agent)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const start = query.cursor === undefined ? 0 : Number(query.cursor);
  const end = start + (query.limit ?? 50);
  return { items: matching.slice(start, end), nextCursor: end < matching.length ? String(end) : null };
}
