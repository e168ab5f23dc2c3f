import { type Outcome, OutcomeInput, type OutcomeList } from "@loopgate/core";
import type { OutcomeRow } from "../store/autonomy-rows.ts";
import type { ProposalRow } from "../store/store.ts";
import { AppError, invalidInput } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { hashPayloadNative } from "./native-hash.ts";
import { actorOf, type Principal } from "./principal.ts";
import { loadProposal } from "./review-access.ts";
import { parseInput } from "./zod-issues.ts";

/** Execution statuses after which the action may have had an effect in the world. */
const RAN = new Set(["executed", "unknown", "rolled_back", "failed", "dead_lettered"]);

/** The wire form of a stored outcome. */
export function outcomeView(row: OutcomeRow): Outcome {
  return {
    id: row.id,
    proposalId: row.proposalId,
    kind: row.kind,
    severity: row.severity,
    comment: row.comment,
    by: row.recordedBy,
    at: row.at,
  };
}

/**
 * `POST /v1/proposals/:id/outcome`: records what happened after the action ran — `fine`, an `incident`
 * (which feeds the incident circuit breaker and the false-approval rate) or a `note`. The proposing
 * agent, reviewers and owners may record one; an incident needs an action that ran. Audited as
 * `proposal.outcome_recorded` in the same commit.
 *
 * @example
 * ```ts
 * await recordOutcome(deps, reviewer, "prop_1", { kind: "incident", severity: "high", comment: "Refunded twice" });
 * ```
 */
export async function recordOutcome(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  body: unknown,
): Promise<Outcome> {
  const proposal = await readableProposal(deps, principal, proposalId, "write");
  const input = parseInput(OutcomeInput, body, "invalid_outcome", "body");
  if (input.kind === "incident" && !RAN.has(proposal.executionStatus)) {
    throw new AppError(
      "conflict",
      "not_executed",
      `An incident is recorded against an action that ran; this proposal's execution is ${proposal.executionStatus}. Record a note instead`,
      { executionStatus: proposal.executionStatus },
    );
  }
  if (input.severity !== undefined && input.kind !== "incident") {
    throw invalidInput("invalid_outcome", [
      { path: "body.severity", message: "applies to an incident only: remove it or use kind incident" },
    ]);
  }
  const actor = actorOf(principal);
  const row: OutcomeRow = {
    id: deps.newId(),
    proposalId: proposal.id,
    agentId: proposal.agentId,
    actionType: proposal.actionType,
    kind: input.kind,
    severity: input.severity ?? null,
    comment: input.comment ?? null,
    recordedBy: { kind: actor.kind === "agent" ? "agent" : "user", id: actor.id, name: actor.name },
    at: deps.now().toISOString(),
  };
  const result = await deps.store.commit({
    writes: [{ kind: "insertOutcome", row }],
    audit: [
      {
        at: row.at,
        actor,
        type: "proposal.outcome_recorded",
        proposalId: proposal.id,
        data: {
          outcomeId: row.id,
          kind: row.kind,
          severity: row.severity,
          // Free text that may name a person: the entry commits to it by hash (SPEC §10), as a
          // decision's comment; the text lives in the outcome row.
          commentHash: row.comment === null ? null : hashPayloadNative(row.comment),
          agent: row.agentId,
          actionType: row.actionType,
        },
      },
    ],
  });
  if (!result.ok)
    throw new AppError("conflict", "outcome_not_recorded", "Try again: the store refused the write");
  return outcomeView(row);
}

/** `GET /v1/proposals/:id/outcomes`: the outcomes recorded for a proposal, oldest first. */
export async function listOutcomes(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
): Promise<OutcomeList> {
  const proposal = await readableProposal(deps, principal, proposalId, "read");
  return { items: (await deps.store.outcomesOfProposal(proposal.id)).map(outcomeView) };
}

/** The proposal, if the caller may record (its agent, reviewers, owners) or read (also auditors) its outcomes. */
async function readableProposal(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  access: "read" | "write",
): Promise<ProposalRow> {
  const proposal = await loadProposal(deps, proposalId);
  if (principal.kind === "agent") {
    if (proposal.agentId !== principal.agentId)
      throw new AppError("not_found", "proposal_not_found", `No proposal ${proposalId} of this agent`);
    return proposal;
  }
  const role = principal.user.role;
  if (role !== "reviewer" && role !== "owner" && !(access === "read" && role === "auditor")) {
    throw new AppError(
      "forbidden",
      "role_required",
      "Outcomes are recorded by the agent, reviewers and owners",
    );
  }
  return proposal;
}
