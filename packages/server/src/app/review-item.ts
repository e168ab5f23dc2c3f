import type { ReviewItem } from "@loopgate/core";
import type { ReviewRow } from "../store/store.ts";

/** The list view of a review. */
export function reviewItem(r: ReviewRow): ReviewItem {
  return {
    id: r.id,
    proposalId: r.proposalId,
    queue: r.queue,
    status: r.status,
    level: r.level,
    priority: r.priority,
    dueAt: r.dueAt,
    approvalsRequired: r.approvalsRequired,
    approvalsGiven: r.approvers.length,
    approvers: r.approvers,
    claim:
      r.claimedBy !== null && r.claimExpiresAt !== null
        ? { by: r.claimedBy, expiresAt: r.claimExpiresAt }
        : null,
    actionType: r.actionType,
    agent: r.agentId,
    summary: r.summary,
    policyVersion: r.policyVersion,
    createdAt: r.createdAt,
  };
}
