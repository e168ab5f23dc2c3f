import type { OnExpiry } from "../lifecycle/statuses.ts";
import type { ReviewKind } from "./autonomy-stage.ts";
import type { BusinessHours } from "./business-hours.ts";
import type { ActionTypeSettings, CompiledPolicy } from "./compiled-policy.ts";
import { parseDuration } from "./duration.ts";
import { escalationTarget, queueSettings } from "./settings.ts";

/** The review a route opens: where it goes, when it is due and what happens then, who must approve. */
export interface ReviewPlan {
  queue: string;
  slaMs: number;
  onExpiry: OnExpiry;
  escalateTo: string | null;
  /** Distinct approvals needed; 1 for shadow and post-execution reviews, which authorize nothing. */
  approvalsRequired: number;
  /** Higher is more urgent. */
  priority: number;
  /** 0 for a review, 1 for an `escalate` route. */
  level: number;
  kind: ReviewKind;
  /** The queue's business hours: the due time counts only open time (see `dueAfter`). */
  businessHours: BusinessHours | null;
}

/** What routing knows when it plans a review. */
export interface ReviewPlanInput {
  settings: ActionTypeSettings;
  level: 0 | 1;
  kind: ReviewKind;
  /** The queue named by the first winning rule that names one, if any. */
  ruleQueue: string | null;
  /** The highest `priority` among the matching rules, if any sets one. */
  rulePriority: number | null;
}

/**
 * Plans the review for a routed proposal.
 *
 * Queue: a review goes to the winning rule's `queue`, else the action type's review queue (which itself
 * falls back to `defaults.review.queue`, then `default`). An escalation goes to the winning rule's `queue`,
 * else the action type's `escalateTo`, else its queue's `escalateTo`, else stays in the same queue.
 *
 * Settings: at level 0, what the action type's `review` sets wins over the queue's settings, which win over
 * `defaults.review` (SLA 4h, on expiry `escalate`). At level 1 in another queue, that queue's settings apply:
 * the action type's review settings describe its first-level review. `onExpiry: approve` never applies to an
 * irreversible action type (the loader refuses it; a plan defensively turns it into `expire`).
 */
export function planReview(policy: CompiledPolicy, input: ReviewPlanInput): ReviewPlan {
  const { settings, level, kind } = input;
  const ownQueue = settings.review.queue;
  const queue =
    level === 0
      ? (input.ruleQueue ?? ownQueue)
      : (input.ruleQueue ?? settings.review.escalateTo ?? escalationTarget(policy, ownQueue) ?? ownQueue);
  const target = queueSettings(policy, queue);
  const explicit =
    level === 0 || queue === ownQueue ? policy.document.actions[settings.name]?.review : undefined;
  const slaMs = explicit?.sla === undefined ? target.slaMs : parseDuration(explicit.sla);
  const onExpiry = explicit?.onExpiry ?? target.onExpiry;
  const escalateTo = explicit?.escalateTo ?? target.escalateTo;
  return {
    queue,
    slaMs,
    onExpiry: onExpiry === "approve" && settings.reversible === false ? "expire" : onExpiry,
    escalateTo: escalateTo === queue ? null : escalateTo,
    approvalsRequired: kind === "review" ? settings.review.approvals : 1,
    priority: Math.max(settings.review.priority, input.rulePriority ?? Number.NEGATIVE_INFINITY),
    level,
    kind,
    businessHours: target.businessHours,
  };
}
