import { type Proposal, ResultInput } from "@loopgate/core";
import type { ProposalRow } from "../store/store.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { alreadyUsed, grantConsumption } from "./grants.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { actorOf, type Principal, requireAgent } from "./principal.ts";
import { getProposal } from "./read-proposal.ts";
import { loadProposal } from "./review-access.ts";
import { parseInput } from "./zod-issues.ts";

const RUNNABLE = new Set(["auto_approved", "approved", "approved_with_edits"]);

/**
 * The agent reports the result of an approved action it executed itself. An action is recorded
 * executed at most once; a failure may be followed by a successful retry.
 */
export async function reportResult(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  body: unknown,
): Promise<Proposal> {
  const agent = requireAgent(principal);
  const report = parseInput(ResultInput, body, "invalid_input");
  const proposal = await loadProposal(deps, proposalId);
  if (proposal.agentId !== agent.agentId) {
    throw new AppError("not_found", "proposal_not_found", `No proposal ${proposalId} of this agent`);
  }
  if (!RUNNABLE.has(proposal.status)) {
    throw new AppError(
      "conflict",
      "not_approved",
      `This proposal is ${proposal.status}: only an approved action can be executed and reported`,
      { proposalStatus: proposal.status },
    );
  }
  await refuseLoopgateExecuted(deps, proposal);
  const grantWrites = await grantConsumption(deps, proposal, report, deps.now());
  if (proposal.executionStatus === "executed") {
    throw new AppError(
      "conflict",
      "already_executed",
      "This action was already reported executed; it runs at most once",
      {
        executionStatus: proposal.executionStatus,
      },
    );
  }
  const at = deps.now().toISOString();
  const executionStatus = report.status === "succeeded" ? "executed" : "failed";
  const result = { status: report.status, output: report.output ?? null, error: report.error ?? null, at };
  const commit = await deps.store.commit({
    writes: [
      ...grantWrites,
      {
        kind: "updateProposal",
        id: proposal.id,
        expectVersion: proposal.version,
        set: {
          executionStatus,
          updatedAt: at,
          doc: { ...proposal.doc, execution: { attempts: proposal.doc.execution.attempts + 1, result } },
        },
      },
    ],
    audit: [
      {
        at,
        actor: actorOf(agent),
        type: "execution.reported",
        proposalId: proposal.id,
        data: {
          status: executionStatus,
          attempt: proposal.doc.execution.attempts + 1,
          outputHash: report.output === undefined ? null : hashPayloadNative(report.output),
          error: report.error ?? null,
          finalPayloadHash: hashPayloadNative(proposal.doc.finalPayload ?? proposal.doc.action.payload),
        },
      },
    ],
  });
  if (!commit.ok) {
    if (commit.conflict.kind === "duplicate" && commit.conflict.table === "used_grants")
      throw alreadyUsed(commit.conflict.id);
    throw new AppError(
      "conflict",
      "proposal_changed",
      "The proposal changed meanwhile: fetch it and report again",
    );
  }
  deps.events.publish({
    type: "proposal.updated",
    proposalId: proposal.id,
    reviewId: null,
    agentId: proposal.agentId,
    queue: null,
    status: proposal.status,
    at,
  });
  return getProposal(deps, principal, proposal.id);
}

/**
 * An action Loopgate carries out itself (a webhook executor) is never reported by the agent: the
 * dispatcher records each attempt, and an agent that ran it too would have run it twice. While that
 * execution's outcome is `unknown`, or it was dead-lettered, a person settles it on its reconciliation
 * review (SPEC §3): 409 `reconciliation_pending`, naming the review. Otherwise 409
 * `executed_by_loopgate`.
 */
async function refuseLoopgateExecuted(deps: AppDeps, proposal: ProposalRow): Promise<void> {
  const executions = await deps.store.executionsOfProposal(proposal.id);
  const sent = executions.find((e) => e.kind === "execute" && e.doc.executor.via === "webhook");
  if (sent === undefined) return;
  if (sent.status === "unknown" || sent.status === "dead_lettered") {
    throw new AppError(
      "conflict",
      "reconciliation_pending",
      `Loopgate's execution of this action is ${sent.status}: a person settles it on its reconciliation review, not a result report`,
      { executionStatus: sent.status, executionId: sent.id, reviewId: sent.reconciliationReviewId },
    );
  }
  throw new AppError(
    "conflict",
    "executed_by_loopgate",
    `Loopgate carries out ${proposal.actionType} itself (its webhook executor) and records each attempt: an agent does not run it or report its result`,
    { executionStatus: sent.status, executionId: sent.id },
  );
}
