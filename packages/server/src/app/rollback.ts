import { type Actor, type CompiledPolicy, type ExecutionResult, RollbackInput } from "@loopgate/core";
import type { ExecutionRow } from "../store/execution-rows.ts";
import type { ProposalRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { type ChangePart, executorSnapshot, hostOf } from "./execution-plan.ts";
import { executionItem } from "./execution-view.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { actorOf, type Principal, worksQueue } from "./principal.ts";
import { loadProposal } from "./review-access.ts";
import { parseInput } from "./zod-issues.ts";

/**
 * `POST /v1/proposals/:id/rollback`: runs the action type's rollback executor for an executed action
 * that is `reversible: true | compensate`. Owners, and reviewers of the action type's queue, may ask.
 * The rollback is an execution of its own (kind `rollback`, linked to the original by `rollbackOf`),
 * queued in the same commit as its audit entry and delivered by the dispatcher like any execution.
 */
export async function requestRollback(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  body: unknown,
): Promise<ExecutionResult> {
  const parsed = parseInput(RollbackInput, body ?? {}, "invalid_input");
  const proposal = await loadProposal(deps, proposalId);
  const policy = await deps.policies.version(proposal.policyVersion);
  const queue = policy.actionTypes.get(proposal.actionType)?.review.queue ?? "default";
  const role = principal.kind === "user" ? principal.user.role : null;
  if (!(role === "owner" || (role === "reviewer" && worksQueue(principal, queue)))) {
    throw new AppError(
      "forbidden",
      "rollback_not_allowed",
      `Only owners and reviewers of the "${queue}" queue can roll back ${proposal.actionType}`,
    );
  }
  const executions = await deps.store.executionsOfProposal(proposal.id);
  const part = rollbackPart(
    deps,
    proposal,
    executions,
    policy,
    actorOf(principal),
    parsed.reason ?? null,
    deps.now(),
  );
  const result = await deps.store.commit(part.change);
  if (!result.ok) {
    throw new AppError(
      "conflict",
      "already_rolled_back",
      "A rollback of this action was already asked for: follow it on the proposal",
    );
  }
  deps.executions?.wake();
  return {
    proposalId: proposal.id,
    executionStatus: proposal.executionStatus,
    execution: executionItem(part.row),
  };
}

/**
 * The rows and audit entry that queue a rollback of a proposal's executed action, or a clear refusal:
 * 422 for an irreversible action type or one without a rollback executor, 409 when the action has not
 * been executed or was already rolled back.
 */
export function rollbackPart(
  deps: Pick<AppDeps, "newId">,
  proposal: ProposalRow,
  executions: readonly ExecutionRow[],
  policy: CompiledPolicy,
  actor: Actor,
  reason: string | null,
  now: Date,
): { change: ChangePart; row: ExecutionRow } {
  const settings = policy.actionTypes.get(proposal.actionType);
  if (settings === undefined || settings.reversible === false) {
    throw new AppError(
      "unprocessable",
      "action_irreversible",
      `${proposal.actionType} is declared reversible: false, so it cannot be rolled back; record an outcome instead`,
      { actionType: proposal.actionType },
    );
  }
  if (settings.rollback === undefined || settings.rollback.via !== "webhook") {
    throw new AppError(
      "unprocessable",
      "no_rollback_executor",
      `${proposal.actionType} has no rollback executor: add rollback: { via: webhook, url, secret } to it in the policy`,
      { actionType: proposal.actionType },
    );
  }
  const original = executions.find((e) => e.kind === "execute");
  if (executions.some((e) => e.kind === "rollback")) {
    throw new AppError(
      "conflict",
      "already_rolled_back",
      "This action was already rolled back (or is being rolled back)",
      {
        executionStatus: proposal.executionStatus,
      },
    );
  }
  if (original === undefined || !["executed", "executing"].includes(original.status)) {
    throw new AppError(
      "conflict",
      "not_executed",
      `There is nothing to roll back: the action's execution is ${original?.status ?? "not started"}`,
      { executionStatus: proposal.executionStatus },
    );
  }
  const at = now.toISOString();
  const executor = executorSnapshot(settings.rollback);
  const row: ExecutionRow = {
    id: deps.newId(),
    proposalId: proposal.id,
    kind: "rollback",
    agentId: proposal.agentId,
    actionType: proposal.actionType,
    status: "queued",
    attempts: 0,
    nextAttemptAt: at,
    leaseOwner: null,
    leaseExpiresAt: null,
    reconciliationReviewId: null,
    rollbackOf: original.id,
    version: 1,
    createdAt: at,
    updatedAt: at,
    doc: {
      action: original.doc.action,
      decision: { verdict: "rollback", by: { id: actor.id, name: actor.name }, at },
      executor,
      traceparent: original.doc.traceparent,
      lastError: null,
      lastStatusCode: null,
    },
  };
  return {
    row,
    change: {
      writes: [{ kind: "insertExecution", row }],
      audit: [
        {
          at,
          actor,
          type: "execution.rollback_requested",
          proposalId: proposal.id,
          data: {
            executionId: row.id,
            rollbackOf: original.id,
            reversible: settings.reversible,
            host: hostOf(executor.url),
            payloadHash: hashPayloadNative(row.doc.action.payload),
            reasonHash: reason === null ? null : hashPayloadNative(reason),
          },
        },
      ],
    },
  };
}
