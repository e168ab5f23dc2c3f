import {
  type AuditDraft,
  type DecisionInput,
  type DecisionResult,
  isTerminal,
  isVerdictAfterExecution,
  VERDICTS_AFTER_EXECUTION,
} from "@loopgate/core";
import type { ProposalRow, ReviewRow, Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import { decisionRow } from "./decision-row.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { type Person, personActor } from "./principal.ts";
import { reviewLabelWrites } from "./review-labels.ts";
import { rollbackPart } from "./rollback.ts";

/**
 * A decision on a review opened after the action already ran: the `post_review` stage, or the sampled
 * share of auto-routed proposals. There is no approval to give — the proposal stays `auto_approved` —
 * so `approve` confirms the action and `reject` rolls it back (a queued execution that has not been
 * sent is cancelled instead). Returns null for a review that comes before execution.
 */
export async function decideAfterExecution(
  deps: AppDeps,
  user: Person,
  review: ReviewRow,
  proposal: ProposalRow,
  input: DecisionInput,
  now: Date,
): Promise<DecisionResult | null> {
  if (!isTerminal(proposal.status)) return null;
  const executions = await deps.store.executionsOfProposal(proposal.id);
  if (executions.some((e) => e.status === "unknown" || e.status === "dead_lettered")) {
    throw new AppError(
      "unprocessable",
      "reconciliation_verdict_required",
      "This review settles an execution whose outcome is unknown or that was dead-lettered: decide mark_executed, mark_failed or retry",
      { verdicts: ["mark_executed", "mark_failed", "retry"] },
    );
  }
  if (proposal.status !== "auto_approved") return null;
  if (!isVerdictAfterExecution(input.verdict)) {
    throw new AppError(
      "unprocessable",
      "verdict_not_after_execution",
      "This action already ran and is reviewed afterwards: approve it, or reject it to roll it back",
      { verdicts: [...VERDICTS_AFTER_EXECUTION] },
    );
  }
  const at = now.toISOString();
  const decision = decisionRow(deps, review, proposal, user, input, input.verdict, at, null);
  const writes: Write[] = [
    { kind: "insertDecision", row: decision },
    {
      kind: "updateReview",
      id: review.id,
      expectVersion: review.version,
      set: {
        status: "decided",
        approvers: input.verdict === "approve" ? [{ id: user.id, name: user.name, at }] : review.approvers,
        claimedBy: null,
        claimExpiresAt: null,
        updatedAt: at,
      },
    },
  ];
  const audit: AuditDraft[] = [
    {
      at,
      actor: personActor(user),
      type: "decision.recorded",
      proposalId: proposal.id,
      data: {
        decisionId: decision.id,
        reviewId: review.id,
        verdict: input.verdict,
        afterExecution: true,
        category: decision.category,
        commentHash: decision.comment === null ? null : hashPayloadNative(decision.comment),
        packetHash: decision.packetHash,
        reviewStatus: { from: review.status, to: "decided" },
        policyVersion: review.policyVersion,
      },
    },
  ];
  if (input.verdict === "reject") {
    const original = executions.find((e) => e.kind === "execute");
    if (original?.status === "queued") {
      // Not sent yet: the rejection simply stops it.
      writes.push(
        {
          kind: "updateExecution",
          id: original.id,
          expectVersion: original.version,
          set: { status: "cancelled", nextAttemptAt: null, updatedAt: at },
        },
        { kind: "setProposalExecutionStatus", proposalId: proposal.id, status: "cancelled", at },
      );
      audit.push({
        at,
        actor: personActor(user),
        type: "execution.cancelled",
        proposalId: proposal.id,
        data: { executionId: original.id, because: "rejected_in_post_review" },
      });
    } else if (original?.status === "executed" || original?.status === "executing") {
      // It ran (or is running): undo it. Dead-lettered, failed or cancelled: nothing happened to undo;
      // unknown: its reconciliation review decides what happened first.
      const policy = await deps.policies.version(proposal.policyVersion);
      const rollback = rollbackPart(
        deps,
        proposal,
        executions,
        policy,
        personActor(user),
        input.comment ?? "rejected in post-review",
        now,
      );
      writes.push(...rollback.change.writes);
      audit.push(...rollback.change.audit);
    }
  }
  // What the override breaker watches: how often people disagree with what ran unattended.
  writes.push({
    kind: "putUnattendedReview",
    row: {
      proposalId: proposal.id,
      agentId: proposal.agentId,
      actionType: proposal.actionType,
      verdict: input.verdict,
      overridden: input.verdict !== "approve",
      decidedAt: at,
    },
  });
  // Reviewed after running, it is evidence like any other review: the label lets later fits see the
  // confident proposals a threshold sends past people.
  writes.push(
    ...reviewLabelWrites({
      proposal,
      doc: proposal.doc,
      verdict: input.verdict,
      reviewStatus: "decided",
      at,
    }),
  );
  const result = await deps.store.commit({ writes, audit });
  if (!result.ok) {
    throw new AppError(
      "conflict",
      "review_busy",
      "This review or its execution changed while your decision was being recorded: reload it and try again",
    );
  }
  deps.executions?.wake();
  deps.events.publish({
    type: "review.closed",
    proposalId: proposal.id,
    reviewId: review.id,
    agentId: proposal.agentId,
    queue: review.queue,
    status: "decided",
    at,
  });
  return {
    decision: {
      id: decision.id,
      reviewId: review.id,
      proposalId: proposal.id,
      verdict: input.verdict,
      by: { id: user.id, name: user.name },
      at,
      category: decision.category,
      comment: decision.comment,
      packetHash: decision.packetHash,
      payload: null,
    },
    proposalStatus: proposal.status,
    reviewStatus: "decided",
    approvalsGiven: input.verdict === "approve" ? 1 : 0,
    approvalsRequired: review.approvalsRequired,
  };
}
