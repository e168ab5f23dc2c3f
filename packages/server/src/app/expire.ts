import {
  type AuditDraft,
  type CompiledPolicy,
  escalationTarget,
  proposalTransition,
  queueSettings,
} from "@loopgate/core";
import type { ProposalPatch, ProposalRow, ReviewRow, Write } from "../store/store.ts";
import type { AppDeps } from "./deps.ts";
import { escalatedReview } from "./escalated-review.ts";
import { executionPlan } from "./execution-plan.ts";
import { SYSTEM_ACTOR } from "./principal.ts";
import { reviewOpenedEntry } from "./propose.ts";
import { expireReconciliationReview } from "./reconciliation-expiry.ts";

/**
 * Applies the on-expiry rule of a review whose due time has passed: `escalate` opens the next level
 * (or, at the end of the chain, expires the proposal — silence is never approval), `reject` rejects,
 * `expire` expires, and `approve` approves only where the policy allowed it for a reversible action.
 *
 * Fires exactly once: the write names the review version it read, so of several timers (restarts,
 * replicas, a late decision) only one applies the rule. Returns whether this call applied it.
 */
export async function expireReview(deps: AppDeps, review: ReviewRow, now: Date): Promise<boolean> {
  if (review.status !== "pending" && review.status !== "escalated") return false;
  if (Date.parse(review.dueAt) > now.getTime()) return false;
  const proposal = await deps.store.proposal(review.proposalId);
  if (proposal === null) return false;
  const policy = await deps.policies.version(review.policyVersion);
  const rule = onExpiryOf(policy, review);
  // A reconciliation review is never dropped: it escalates, or stays open overdue.
  const reconciliation = await expireReconciliationReview(deps, review, policy, rule, now);
  if (reconciliation !== null) return reconciliation;
  const at = now.toISOString();
  const writes: Write[] = [
    {
      kind: "updateReview",
      id: review.id,
      expectVersion: review.version,
      set: { status: "expired", claimedBy: null, claimExpiresAt: null, updatedAt: at },
    },
  ];
  let next: ReviewRow | null = null;
  let applied: string = rule;
  if (rule === "escalate") {
    const target = escalationTarget(policy, review.queue);
    if (target !== null) {
      next = escalatedReview(deps, review, policy, target, now);
      writes.push({ kind: "insertReview", row: next });
    } else {
      applied = "expire"; // nowhere left to escalate to
    }
  }
  const event =
    applied === "escalate"
      ? ({ kind: "escalated" } as const)
      : ({ kind: "expired", rule: applied as "reject" | "expire" | "approve" } as const);
  const transition = proposalTransition(proposal.status, event);
  const patch: ProposalPatch = { updatedAt: at };
  if (transition.ok && transition.to !== proposal.status) patch.status = transition.to;
  if (transition.ok && applied === "approve") {
    patch.doc = { ...proposal.doc, finalPayload: proposal.doc.finalPayload ?? proposal.doc.action.payload };
  }
  writes.push({ kind: "updateProposal", id: proposal.id, expectVersion: proposal.version, set: patch });
  const audit: AuditDraft[] = [
    {
      at,
      actor: SYSTEM_ACTOR,
      type: "review.expired",
      proposalId: proposal.id,
      data: {
        reviewId: review.id,
        queue: review.queue,
        level: review.level,
        dueAt: review.dueAt,
        onExpiry: rule,
        applied,
        proposalStatus: { from: proposal.status, to: patch.status ?? proposal.status },
      },
    },
  ];
  if (next !== null) audit.push(reviewOpenedEntry(at, next));
  // An `approve` on-expiry rule makes the action executable: queue it in the same commit (outbox).
  if (patch.status !== undefined) {
    const execution = executionPlan(
      deps,
      { ...proposal, status: patch.status, doc: patch.doc ?? proposal.doc },
      policy,
      null,
      now,
    );
    writes.push(...execution.writes);
    audit.push(...execution.audit);
  }
  const result = await deps.store.commit({ writes, audit });
  if (!result.ok) return false; // another timer or a decision got there first
  publish(deps, proposal, review, next, patch.status ?? proposal.status, at);
  return true;
}

/** Expires a proposal whose agent did not answer a request for information in time. */
export async function expireInfoRequest(deps: AppDeps, proposal: ProposalRow, now: Date): Promise<boolean> {
  if (proposal.status !== "needs_info" || proposal.infoDueAt === null) return false;
  if (Date.parse(proposal.infoDueAt) > now.getTime()) return false;
  const transition = proposalTransition(proposal.status, { kind: "info_expired" });
  if (!transition.ok) return false;
  const at = now.toISOString();
  const result = await deps.store.commit({
    writes: [
      {
        kind: "updateProposal",
        id: proposal.id,
        expectVersion: proposal.version,
        set: { status: transition.to, infoDueAt: null, updatedAt: at },
      },
    ],
    audit: [
      {
        at,
        actor: SYSTEM_ACTOR,
        type: "proposal.info_expired",
        proposalId: proposal.id,
        data: { infoDueAt: proposal.infoDueAt, proposalStatus: { from: proposal.status, to: transition.to } },
      },
    ],
  });
  if (!result.ok) return false;
  deps.events.publish({
    type: "proposal.updated",
    proposalId: proposal.id,
    reviewId: null,
    agentId: proposal.agentId,
    queue: null,
    status: transition.to,
    at,
  });
  return true;
}

/** The on-expiry rule for a review: the action type's, else its queue's. */
function onExpiryOf(policy: CompiledPolicy, review: ReviewRow): "escalate" | "reject" | "expire" | "approve" {
  const action = policy.actionTypes.get(review.actionType);
  // At level 0 in the action type's own queue the action's review settings apply; past that, the queue's.
  const rule =
    action !== undefined && review.level === 0 && action.review.queue === review.queue
      ? action.review.onExpiry
      : queueSettings(policy, review.queue).onExpiry;
  // A higher queue's `approve` never approves an irreversible action: silence is never approval there.
  return rule === "approve" && (action === undefined || action.reversible === false) ? "expire" : rule;
}

function publish(
  deps: AppDeps,
  proposal: ProposalRow,
  review: ReviewRow,
  next: ReviewRow | null,
  status: string,
  at: string,
): void {
  const base = { proposalId: proposal.id, agentId: proposal.agentId, at };
  deps.events.publish({
    ...base,
    type: "review.closed",
    reviewId: review.id,
    queue: review.queue,
    status: "expired",
  });
  deps.events.publish({
    ...base,
    type: "proposal.updated",
    reviewId: next?.id ?? null,
    queue: next?.queue ?? null,
    status,
  });
  if (next !== null) {
    deps.events.publish({
      ...base,
      type: "review.opened",
      reviewId: next.id,
      queue: next.queue,
      status: next.status,
    });
  }
}
