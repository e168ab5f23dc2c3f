import { maskPii, type ReviewItem } from "@loopgate/core";
import type { ReviewRow } from "../store/store.ts";

/**
 * The list view of a review. Its summary is the agent's text: for someone without the PII permission
 * (`seesPii` false) personal data in it is masked, as everywhere the API shows agent text.
 */
export function reviewItem(r: ReviewRow, seesPii = true): ReviewItem {
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
    summary: seesPii ? r.summary : (maskPii(r.summary) as string | null),
    policyVersion: r.policyVersion,
    createdAt: r.createdAt,
    reconciliation: r.reconciliation,
  };
}
