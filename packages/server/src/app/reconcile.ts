import {
  type Actor,
  type AuditDraft,
  type ExecutionResult,
  ReconcileInput,
  ReconcileVerdict,
} from "@loopgate/core";
import { proposalExecutionStatus } from "../execution/attempt-result.ts";
import type { ExecutionPatch, ExecutionRow } from "../store/execution-rows.ts";
import type { ReviewRow, Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { executionItem } from "./execution-view.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { actorOf, type Principal, requireDecider } from "./principal.ts";
import { refuseStalePacket } from "./proposal-view.ts";
import {
  claimedByOther,
  claimedByOtherError,
  isOpen,
  loadProposal,
  loadReview,
  refuseClosed,
} from "./review-access.ts";
import { parseInput } from "./zod-issues.ts";

/** Whether a decision body carries a reconciliation verb (`mark_executed`, `mark_failed`, `retry`). */
export function isReconciliation(body: unknown): boolean {
  const verdict = (body as { verdict?: unknown } | null)?.verdict;
  return ReconcileVerdict.safeParse(verdict).success;
}

/**
 * A person settles an execution that ended `unknown` or `dead_lettered`, on its reconciliation review
 * (`POST /v1/reviews/:id/decisions` with verdict `mark_executed`, `mark_failed` or `retry`):
 * `mark_executed` records that the action did happen (once), `mark_failed` that it did not, and
 * `retry` queues the same execution again — same webhook-id, so an executor that dedups on it is safe.
 * As for any decision, a review someone else holds a live claim on is refused with 409
 * `claimed_by_other`. Settled on another open review of the proposal (the post-review, which accepts
 * these verbs while an outcome is unclear), the execution's own reconciliation review is cancelled in
 * the same commit, so no inbox keeps a review with nothing left to settle.
 */
export async function reconcile(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
  body: unknown,
): Promise<ExecutionResult> {
  const person = requireDecider(principal);
  const user = person.user;
  const { verdict, comment, packetHash } = parseInput(ReconcileInput, body, "invalid_input");
  const review = await loadReview(deps, principal, reviewId);
  if (!isOpen(review)) await refuseClosed(deps, review, user);
  const now = deps.now();
  if (claimedByOther(review, user.id, now)) throw claimedByOtherError(review);
  if (packetHash !== undefined)
    refuseStalePacket(await loadProposal(deps, review.proposalId), principal, packetHash);
  const executions = await deps.store.executionsOfProposal(review.proposalId);
  // The execution this review was opened for; else, on any other open review of the proposal (the
  // post-review of an action whose outcome became unclear), the one left unsettled.
  const execution =
    executions.find((e) => e.reconciliationReviewId === review.id && isUnsettled(e)) ??
    executions.find(isUnsettled);
  if (execution === undefined) {
    throw new AppError(
      "unprocessable",
      "not_a_reconciliation_review",
      "mark_executed, mark_failed and retry settle an execution whose outcome is unknown or that was dead-lettered; this review is not one: use approve, edit, reject, …",
    );
  }
  // Settled here, the execution's own reconciliation review has nothing left to decide: it closes in
  // the same commit. Someone working on it holds the execution too.
  const orphaned = await ownReconciliationReview(deps, execution, review.id);
  if (orphaned !== null && claimedByOther(orphaned, user.id, now))
    throw claimedByOtherError(orphaned, "this execution's reconciliation review");
  const at = now.toISOString();
  const status = verdict === "mark_executed" ? "executed" : verdict === "mark_failed" ? "failed" : "queued";
  const set: ExecutionPatch = {
    status,
    nextAttemptAt: status === "queued" ? at : null,
    leaseOwner: null,
    leaseExpiresAt: null,
    updatedAt: at,
  };
  if (verdict === "retry") {
    // A person asked for it: one more attempt (more for an idempotent executor), whatever came before.
    const { maxAttempts } = execution.doc.executor;
    set.doc = {
      ...execution.doc,
      executor: { ...execution.doc.executor, maxAttempts: execution.attempts + maxAttempts },
    };
  }
  const writes: Write[] = [
    { kind: "updateExecution", id: execution.id, expectVersion: execution.version, set },
    {
      kind: "insertDecision",
      row: {
        id: deps.newId(),
        reviewId: review.id,
        proposalId: review.proposalId,
        verdict,
        byId: user.id,
        byName: user.name,
        at,
        category: null,
        comment: comment ?? null,
        packetHash: null,
        payload: null,
      },
    },
    {
      kind: "updateReview",
      id: review.id,
      expectVersion: review.version,
      set: { status: "decided", claimedBy: null, claimExpiresAt: null, updatedAt: at },
    },
  ];
  const mirrored = proposalExecutionStatus(execution.kind, status);
  if (mirrored !== null)
    writes.push({ kind: "setProposalExecutionStatus", proposalId: review.proposalId, status: mirrored, at });
  const actor = actorOf(person);
  const closing =
    orphaned === null
      ? null
      : settledElsewhere(orphaned, { executionId: execution.id, reviewId: review.id, verdict }, actor, at);
  if (closing !== null) writes.push(closing.write);
  const result = await deps.store.commit({
    writes,
    audit: [
      {
        at,
        actor,
        type: "execution.reconciled",
        proposalId: review.proposalId,
        data: {
          executionId: execution.id,
          reviewId: review.id,
          verdict,
          from: execution.status,
          to: status,
          commentHash: comment === undefined ? null : hashPayloadNative(comment),
        },
      },
      ...(closing === null ? [] : [closing.audit]),
    ],
  });
  if (!result.ok) {
    throw new AppError(
      "conflict",
      "execution_changed",
      "The execution or review changed meanwhile: reload and decide again",
    );
  }
  deps.executions?.wake();
  deps.events.publish({
    type: "review.closed",
    proposalId: review.proposalId,
    reviewId: review.id,
    agentId: review.agentId,
    queue: review.queue,
    status: "decided",
    at,
  });
  if (orphaned !== null) {
    deps.events.publish({
      type: "review.closed",
      proposalId: orphaned.proposalId,
      reviewId: orphaned.id,
      agentId: orphaned.agentId,
      queue: orphaned.queue,
      status: "cancelled",
      at,
    });
  }
  const updated = { ...execution, ...set, version: execution.version + 1 };
  return {
    proposalId: review.proposalId,
    executionStatus: mirrored ?? status,
    execution: executionItem(updated),
  };
}

const isUnsettled = (e: ExecutionRow): boolean => e.status === "unknown" || e.status === "dead_lettered";

/** The open reconciliation review `execution` names, when it is not `decidedOn`; else null. */
async function ownReconciliationReview(
  deps: AppDeps,
  execution: ExecutionRow,
  decidedOn: string,
): Promise<ReviewRow | null> {
  const id = execution.reconciliationReviewId;
  if (id === null || id === decidedOn) return null;
  const review = await deps.store.review(id);
  return review !== null && isOpen(review) ? review : null;
}

/**
 * Closes a reconciliation review whose execution was settled on another review of the proposal. The
 * review lifecycle's `cancelled` is the close without a decision of its own (SPEC §3: the review is
 * for settling the execution, and there is nothing left to settle); the audit entry says where it was
 * settled, and the write names the version read, so a decision racing on this review loses.
 */
export function settledElsewhere(
  review: ReviewRow,
  settled: { executionId: string; reviewId: string; verdict: ReconcileVerdict },
  actor: Actor,
  at: string,
): { write: Write; audit: AuditDraft } {
  return {
    write: {
      kind: "updateReview",
      id: review.id,
      expectVersion: review.version,
      set: { status: "cancelled", claimedBy: null, claimExpiresAt: null, updatedAt: at },
    },
    audit: {
      at,
      actor,
      type: "review.cancelled",
      proposalId: review.proposalId,
      data: {
        reviewId: review.id,
        queue: review.queue,
        level: review.level,
        reviewStatus: { from: review.status, to: "cancelled" },
        because: "execution_settled_elsewhere",
        executionId: settled.executionId,
        settledOn: settled.reviewId,
        verdict: settled.verdict,
      },
    },
  };
}
