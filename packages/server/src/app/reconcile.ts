import { type ExecutionResult, ReconcileInput, ReconcileVerdict } from "@loopgate/core";
import { proposalExecutionStatus } from "../execution/attempt-result.ts";
import type { ExecutionPatch } from "../store/execution-rows.ts";
import type { Write } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { executionItem } from "./execution-view.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { type Principal, requireDecider } from "./principal.ts";
import { isOpen, loadReview, refuseClosed } from "./review-access.ts";
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
 */
export async function reconcile(
  deps: AppDeps,
  principal: Principal,
  reviewId: string,
  body: unknown,
): Promise<ExecutionResult> {
  const person = requireDecider(principal);
  const { verdict, comment } = parseInput(ReconcileInput, body, "invalid_input");
  const review = await loadReview(deps, principal, reviewId);
  if (!isOpen(review)) await refuseClosed(deps, review, person.user.id);
  const executions = await deps.store.executionsOfProposal(review.proposalId);
  // The review may have been escalated by its due time: any open review of the proposal settles it.
  const execution = executions.find((e) => e.status === "unknown" || e.status === "dead_lettered");
  if (execution === undefined) {
    throw new AppError(
      "unprocessable",
      "not_a_reconciliation_review",
      "mark_executed, mark_failed and retry settle an execution whose outcome is unknown or that was dead-lettered; this review is not one: use approve, edit, reject, …",
    );
  }
  const now = deps.now();
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
  const user = person.user;
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
  const result = await deps.store.commit({
    writes,
    audit: [
      {
        at,
        actor: { kind: "user", id: user.id, name: user.name },
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
  const updated = { ...execution, ...set, version: execution.version + 1 };
  return {
    proposalId: review.proposalId,
    executionStatus: mirrored ?? status,
    execution: executionItem(updated),
  };
}
