import { type CompiledPolicy, dueAfter, queueSettings } from "@loopgate/core";
import type { ReviewRow } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";

/**
 * The next level of a review that escalates — by a reviewer's `escalate` verdict or a due time passed
 * under an `escalate` rule: a new review in `target`, one level up, due after that queue's SLA (in its
 * business hours), with no approvals or claim carried over.
 *
 * @example
 * ```ts
 * const next = escalatedReview(deps, review, policy, "support-leads", now);
 * // { ...review, id: "…", queue: "support-leads", status: "escalated", level: review.level + 1, … }
 * ```
 */
export function escalatedReview(
  deps: Pick<AppDeps, "newId">,
  review: ReviewRow,
  policy: CompiledPolicy,
  target: string,
  now: Date,
): ReviewRow {
  const at = now.toISOString();
  const settings = queueSettings(policy, target);
  return {
    ...review,
    id: deps.newId(),
    queue: target,
    status: "escalated",
    level: review.level + 1,
    dueAt: dueAfter(now, settings.slaMs, settings.businessHours).toISOString(),
    approvers: [],
    claimedBy: null,
    claimExpiresAt: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}
