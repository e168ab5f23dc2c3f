import { type Actor, ClaimInput, type ReviewItem } from "@loopgate/core";
import type { ReviewRow, Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { actorOf, type Principal, requireDecider } from "./principal.ts";
import { claimedByOther, isOpen, loadReview, refuseClosed } from "./review-access.ts";
import { reviewItem } from "./review-item.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * Takes a review for a while (a courtesy lease, not a precondition): others see who is on it, and a
 * decision from someone else is refused with 409 while the claim is live. Claiming again extends it.
 * Someone who already approved an open N-of-M review cannot take it (403 `already_approved`): it waits
 * for another approver, whom their claim would only keep out.
 */
export async function claimReview(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
  body: unknown,
): Promise<ReviewItem> {
  const person = requireDecider(principal);
  const parsed = parseInput(ClaimInput, body ?? {}, "invalid_input");
  const review = await loadReview(deps, principal, reviewId);
  if (!isOpen(review)) await refuseClosed(deps, review, person.user);
  refuseApprover(review, person.user.id);
  const now = deps.now();
  if (claimedByOther(review, person.user.id, now)) {
    throw new AppError(
      "conflict",
      "claimed_by_other",
      `${review.claimedBy.name} holds this review until ${review.claimExpiresAt}; pick another one`,
      {
        reviewId: review.id,
        proposalId: review.proposalId,
        claim: { by: review.claimedBy, expiresAt: review.claimExpiresAt },
      },
    );
  }
  return reviewItem(await commitClaim(deps, person, review, parsed.leaseSeconds, now), person.user.pii);
}

/** 403 `already_approved` when `userId` is among the approvers of the (open) review. */
function refuseApprover(review: ReviewRow, userId: string): void {
  const approval = review.approvers.find((approver) => approver.id === userId);
  if (approval === undefined) return;
  throw new AppError(
    "forbidden",
    "already_approved",
    `You already approved this review; it waits for another approver (${review.approvers.length} of ${review.approvalsRequired} approvals given)`,
    {
      reviewId: review.id,
      proposalId: review.proposalId,
      approvedAt: approval.at,
      approvalsGiven: review.approvers.length,
      approvalsRequired: review.approvalsRequired,
    },
  );
}

/**
 * Writes `person`'s claim of `review` for `leaseSeconds` from `now`, with its audit entry, and answers
 * the claimed row; 409 `review_changed` when the review changed since it was read (another claim or a
 * decision won). `alongside` goes in the same commit (claim-next's record of the packet's first
 * opening), so a claim costs one durable commit, not two.
 */
export function commitClaim(
  deps: AppDeps,
  person: Extract<Principal, { kind: "user" }>,
  review: ReviewRow,
  leaseSeconds: number,
  now: Date,
  alongside: readonly Write[] = [],
): Promise<ReviewRow> {
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  const by = { id: person.user.id, name: person.user.name };
  return write(
    deps,
    review,
    { claimedBy: by, claimExpiresAt: expiresAt, updatedAt: at },
    actorOf(person),
    "review.claimed",
    { by, expiresAt },
    alongside,
  );
}

/** Gives a claimed review back to the queue. Only the holder (or an owner) can release it. */
export async function releaseReview(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
): Promise<ReviewItem> {
  const person = requireDecider(principal);
  const review = await loadReview(deps, principal, reviewId);
  if (!isOpen(review)) await refuseClosed(deps, review, person.user);
  if (review.claimedBy === null) return reviewItem(review, person.user.pii);
  if (review.claimedBy.id !== person.user.id && person.user.role !== "owner") {
    throw new AppError(
      "forbidden",
      "not_claim_holder",
      `${review.claimedBy.name} holds this claim; only they or an owner can release it`,
    );
  }
  const at = deps.now().toISOString();
  const released = await write(
    deps,
    review,
    { claimedBy: null, claimExpiresAt: null, updatedAt: at },
    actorOf(person),
    "review.released",
    { by: { id: person.user.id, name: person.user.name } },
  );
  return reviewItem(released, person.user.pii);
}

async function write(
  deps: AppDeps,
  review: ReviewRow,
  set: Partial<ReviewRow>,
  actor: Actor,
  type: string,
  data: Record<string, unknown>,
  alongside: readonly Write[] = [],
): Promise<ReviewRow> {
  const at = set.updatedAt ?? deps.now().toISOString();
  const result = await deps.store.commit({
    writes: [{ kind: "updateReview", id: review.id, expectVersion: review.version, set }, ...alongside],
    audit: [
      {
        at,
        actor,
        type,
        proposalId: review.proposalId,
        data: { reviewId: review.id, ...data },
      },
    ],
  });
  if (!result.ok) {
    throw new AppError(
      "conflict",
      "review_changed",
      "The review changed while you were claiming it: reload it and try again",
    );
  }
  const updated: ReviewRow = { ...review, ...set, version: review.version + 1 };
  deps.events.publish({
    type: "review.updated",
    proposalId: review.proposalId,
    reviewId: review.id,
    agentId: review.agentId,
    queue: review.queue,
    status: review.status,
    at,
  });
  return updated;
}
