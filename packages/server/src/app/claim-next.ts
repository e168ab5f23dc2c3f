import { ClaimNextInput, type ClaimNextResult } from "@loopgate/core";
import type { ReviewRow, Store } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { commitClaim } from "./claim.ts";
import type { AppDeps } from "./deps.ts";
import type { Principal } from "./principal.ts";
import { requireDecider, worksQueue } from "./principal.ts";
import { packetOf, rowsOfProposal } from "./read-proposal.ts";
import { claimedByOther, isOpen, loadProposal, refuseUnknownQueue } from "./review-access.ts";
import { firstOpening } from "./review-activity.ts";
import { reviewItem } from "./review-item.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * Reviews read per look at the queue: the store leaves out those others hold, so the first few almost
 * always do; later looks, past reviews the caller already approved, read more at once. The first look
 * also reads past the reviews this process is claiming right now (their claims are not written yet),
 * so that concurrent reviewers do not each need a second, larger look.
 */
const FIRST_PAGE = 4;
const NEXT_PAGE = 50;
/** Looks before answering that nothing can be taken (the caller approved all of a queue's top). */
const MAX_PAGES = 10;

/**
 * Reviews this process is claiming right now, by store: a second claim-next arriving before the first
 * one's commit lands skips them instead of losing the race for the same review.
 */
const claiming = new WeakMap<Store, Set<string>>();

/**
 * `POST /v1/reviews/claim-next`: claims the next review waiting in the caller's queues (or in the one
 * named), in queue order (earliest due first), and answers it with its packet — what a reviewer working
 * through a queue does with "next", in one request instead of a list, a claim and a read.
 *
 * A review the caller already holds comes first again (claiming it renews the lease) until they decide
 * or release it. Skipped: reviews someone else holds a live claim on, reviews the caller already approved (an N-of-M
 * review waiting for other approvers), and reviews another request of this process is claiming. The
 * claim is the same versioned write as `POST /v1/reviews/:id/claim`, so of two replicas reaching for the
 * same review one wins and the other moves on to the next — no request waits on another's lock.
 * `{ review: null, proposal: null }` when nothing can be taken.
 *
 * @example
 * ```ts
 * const { review, proposal } = await claimNextReview(deps, principal, { queue: "support" });
 * if (review !== null) await decide(deps, principal, review.id, { verdict: "approve", packetHash: proposal!.packetHash });
 * ```
 */
export async function claimNextReview(
  deps: AppDeps,
  principal: Principal,
  body: unknown,
): Promise<ClaimNextResult> {
  const person = requireDecider(principal);
  const { queue, leaseSeconds } = parseInput(ClaimNextInput, body ?? {}, "invalid_input");
  if (queue !== undefined && !worksQueue(principal, queue)) {
    throw new AppError("forbidden", "queue_not_worked", `You do not work the "${queue}" queue`);
  }
  const { user } = person;
  const queues =
    queue !== undefined
      ? [queue]
      : user.role === "reviewer" && user.queues.length > 0
        ? user.queues
        : undefined;

  let inFlight = claiming.get(deps.store);
  if (inFlight === undefined) {
    inFlight = new Set();
    claiming.set(deps.store, inFlight);
  }
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const now = deps.now();
    const listed = await deps.store.claimableReviews(
      queues === undefined
        ? { userId: user.id, now: now.toISOString() }
        : { queues, userId: user.id, now: now.toISOString() },
      page === 0 ? FIRST_PAGE + inFlight.size : NEXT_PAGE,
      cursor,
    );
    for (const candidate of listed.items) {
      if (inFlight.has(candidate.id)) continue;
      inFlight.add(candidate.id);
      try {
        // The whole row, read now: the claim is written against its version, and an N-of-M review the
        // caller already approved is passed over (who approved is not in the index the list reads).
        const review = await deps.store.review(candidate.id);
        if (review === null || !isOpen(review) || claimedByOther(review, user.id, now)) continue;
        if (review.approvers.some((approver) => approver.id === user.id)) continue;
        return await claimWithPacket(deps, person, review, leaseSeconds, now);
      } catch (error) {
        // Someone else's claim or decision landed first: the next one.
        if (!(error instanceof AppError && error.code === "review_changed")) throw error;
      } finally {
        inFlight.delete(candidate.id);
      }
    }
    if (listed.nextCursor === null) break;
    cursor = listed.nextCursor;
  }
  refuseUnknownQueue(deps, queue);
  return { review: null, proposal: null };
}

/**
 * Claims `review` and answers it with its packet in one durable commit: the packet's first opening
 * (vigilance) is written with the claim instead of in a commit of its own, and the packet's rows are
 * read while the claim commits. The view shows the review as claimed. Reading before the claim lands is
 * safe: the claim is written against the version of the review read, and the decision checks the
 * packet's hash, so a proposal that changed in between is refused there as for any stale packet.
 */
async function claimWithPacket(
  deps: AppDeps,
  person: Extract<Principal, { kind: "user" }>,
  review: ReviewRow,
  leaseSeconds: number,
  now: Date,
): Promise<ClaimNextResult> {
  const userId = person.user.id;
  const [proposal, seen] = await Promise.all([
    loadProposal(deps, review.proposalId),
    deps.store.reviewActivity(review.id, userId),
  ]);
  const opening = firstOpening(deps, userId, proposal, review, seen);
  const [claimed, rows] = await Promise.all([
    commitClaim(deps, person, review, leaseSeconds, now, opening === null ? [] : [opening.write]),
    rowsOfProposal(deps, proposal.id),
  ]);
  const reviews = rows.reviews.map((r) => (r.id === claimed.id ? claimed : r));
  const packet = await packetOf(
    deps,
    person,
    proposal,
    { ...rows, reviews },
    {
      reviewId: claimed.id,
      activity: opening?.row ?? seen,
    },
  );
  return { review: reviewItem(claimed, person.user.pii), proposal: packet };
}
