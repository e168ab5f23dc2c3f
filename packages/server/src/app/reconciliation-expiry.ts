import {
  type AuditDraft,
  type CompiledPolicy,
  dueAfter,
  escalationTarget,
  queueSettings,
} from "@loopgate/core";
import type { ExecutionRow } from "../store/execution-rows.ts";
import type { ReviewRow, Write } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";
import { escalatedReview } from "./escalated-review.ts";
import { SYSTEM_ACTOR } from "./principal.ts";
import { reviewOpenedEntry } from "./propose.ts";

/** The on-expiry rules a policy can give (see `expire.ts`). */
type OnExpiryRule = "escalate" | "reject" | "expire" | "approve";

/**
 * The due time of a reconciliation review — the review a person settles an `unknown` or dead-lettered
 * execution on — has passed. Its on-expiry rule cannot apply as written: the action was approved and
 * may already have happened in the world, so there is nothing left to reject, expire or approve, and
 * dropping the review would leave the execution unsettled with no one assigned. So, whatever the rule:
 *
 * - the queue has an `escalateTo` → the review escalates there (level + 1, the target's due time), and
 *   the execution points at the new review;
 * - it has none → the review stays open and overdue: it is due again one due period later (so the
 *   queue's channels hear about it again then, as `review.overdue`), and a person can still settle it.
 *
 * Returns null when `review` is not the open reconciliation review of an execution (the ordinary rule
 * applies), else whether this call applied the expiry (false when a decision or another timer won).
 */
export async function expireReconciliationReview(
  deps: AppDeps,
  review: ReviewRow,
  policy: CompiledPolicy,
  rule: OnExpiryRule,
  now: Date,
): Promise<boolean | null> {
  const executions = await deps.store.executionsOfProposal(review.proposalId);
  const execution = executions.find(
    (e) => e.reconciliationReviewId === review.id && (e.status === "unknown" || e.status === "dead_lettered"),
  );
  if (execution === undefined) return null;
  const target = escalationTarget(policy, review.queue);
  const change =
    target === null
      ? keptOpen(review, execution, policy, rule, now)
      : escalated(deps, review, execution, policy, target, rule, now);
  const result = await deps.store.commit({ writes: change.writes, audit: change.audit });
  if (!result.ok) return false;
  const at = now.toISOString();
  const base = { proposalId: review.proposalId, agentId: review.agentId, at };
  if (change.next === null) {
    deps.events.publish({
      ...base,
      type: "review.updated",
      reviewId: review.id,
      queue: review.queue,
      status: review.status,
    });
  } else {
    deps.events.publish({
      ...base,
      type: "review.closed",
      reviewId: review.id,
      queue: review.queue,
      status: "expired",
    });
    deps.events.publish({
      ...base,
      type: "review.opened",
      reviewId: change.next.id,
      queue: change.next.queue,
      status: "escalated",
    });
  }
  return true;
}

interface ExpiryChange {
  writes: Write[];
  audit: AuditDraft[];
  next: ReviewRow | null;
}

function escalated(
  deps: AppDeps,
  review: ReviewRow,
  execution: ExecutionRow,
  policy: CompiledPolicy,
  target: string,
  rule: OnExpiryRule,
  now: Date,
): ExpiryChange {
  const at = now.toISOString();
  const next = escalatedReview(deps, review, policy, target, now);
  const reconciliation = { executionId: execution.id, status: execution.status };
  const opened = reviewOpenedEntry(at, next);
  return {
    next,
    writes: [
      {
        kind: "updateReview",
        id: review.id,
        expectVersion: review.version,
        set: { status: "expired", claimedBy: null, claimExpiresAt: null, updatedAt: at },
      },
      { kind: "insertReview", row: next },
      // The execution names the review that settles it: always the open one.
      {
        kind: "updateExecution",
        id: execution.id,
        expectVersion: execution.version,
        set: { reconciliationReviewId: next.id, updatedAt: at },
      },
    ],
    audit: [
      expiredEntry("review.expired", review, rule, "escalate", at, { reconciliation }),
      { ...opened, data: { ...opened.data, reconciliation } },
    ],
  };
}

function keptOpen(
  review: ReviewRow,
  execution: ExecutionRow,
  policy: CompiledPolicy,
  rule: OnExpiryRule,
  now: Date,
): ExpiryChange {
  const at = now.toISOString();
  const settings = queueSettings(policy, review.queue);
  const nextDueAt = dueAfter(now, settings.slaMs, settings.businessHours).toISOString();
  return {
    next: null,
    writes: [
      {
        kind: "updateReview",
        id: review.id,
        expectVersion: review.version,
        set: { dueAt: nextDueAt, updatedAt: at },
      },
    ],
    audit: [
      expiredEntry("review.overdue", review, rule, "kept_open", at, {
        nextDueAt,
        reconciliation: { executionId: execution.id, status: execution.status },
      }),
    ],
  };
}

function expiredEntry(
  type: "review.expired" | "review.overdue",
  review: ReviewRow,
  rule: OnExpiryRule,
  applied: "escalate" | "kept_open",
  at: string,
  extra: Record<string, unknown>,
): AuditDraft {
  return {
    at,
    actor: SYSTEM_ACTOR,
    type,
    proposalId: review.proposalId,
    data: {
      reviewId: review.id,
      queue: review.queue,
      level: review.level,
      dueAt: review.dueAt,
      onExpiry: rule,
      applied,
      ...extra,
    },
  };
}
