import { type Proposal, TERMINAL_PROPOSAL_STATUSES } from "@loopgate/core";
import type { ExecutionRow } from "../store/execution-rows.ts";
import type { DecisionRow, ProposalRow, ReviewRow } from "../store/store.ts";
import type { ReviewActivityRow } from "../store/vigilance-rows.ts";
import { AppError } from "./app-error.ts";
import type { AppDeps } from "./deps.ts";
import { withExecutions } from "./execution-view.ts";
import type { Principal } from "./principal.ts";
import { proposalView } from "./proposal-view.ts";
import { loadProposal } from "./review-access.ts";
import { reviewerView } from "./reviewer-view.ts";

/** A proposal with its route, reviews, decisions and execution. Agents see only their own. */
export async function getProposal(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
): Promise<Proposal> {
  return viewOf(deps, principal, await readableProposal(deps, principal, proposalId));
}

/** The proposal's row, if the principal may read it: agents only their own. */
async function readableProposal(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
): Promise<ProposalRow> {
  const proposal = await loadProposal(deps, proposalId);
  // A seeded canary has no real agent behind it: no agent key ever reads one.
  if (principal.kind === "agent" && (proposal.agentId !== principal.agentId || proposal.doc.canary)) {
    throw new AppError("not_found", "proposal_not_found", `No proposal ${proposalId} of this agent`);
  }
  return proposal;
}

/** The proposal as the principal sees it, from its row and its reviews, decisions and executions. */
async function viewOf(deps: AppDeps, principal: Principal, proposal: ProposalRow): Promise<Proposal> {
  return packetOf(deps, principal, proposal, await rowsOfProposal(deps, proposal.id));
}

/** What a proposal's view is built from besides its own row. */
export interface ProposalRows {
  reviews: readonly ReviewRow[];
  decisions: readonly DecisionRow[];
  executions: readonly ExecutionRow[];
}

/** Reads a proposal's reviews, decisions and executions. */
export async function rowsOfProposal(deps: AppDeps, proposalId: string): Promise<ProposalRows> {
  const [reviews, decisions, executions] = await Promise.all([
    deps.store.reviewsOfProposal(proposalId),
    deps.store.decisionsOfProposal(proposalId),
    deps.store.executionsOfProposal(proposalId),
  ]);
  return { reviews, decisions, executions };
}

/**
 * The proposal as the principal sees it, from rows already read; `recorded` as for
 * {@link reviewerView} (claim-next, which wrote the first opening with its claim).
 */
export async function packetOf(
  deps: AppDeps,
  principal: Principal,
  proposal: ProposalRow,
  { reviews, decisions, executions }: ProposalRows,
  recorded?: { reviewId: string; activity: ReviewActivityRow | null },
): Promise<Proposal> {
  const view = await reviewerView(
    deps,
    principal,
    proposal,
    reviews,
    proposalView(proposal, reviews, decisions, principal),
    recorded,
  );
  return withExecutions(view, executions, deps.signingKey);
}

/** Whether a long poll on the decision may return: a terminal status, or the agent must act (`needs_info`). */
export function isSettled(status: Proposal["status"]): boolean {
  return status === "needs_info" || TERMINAL_PROPOSAL_STATUSES.includes(status);
}

/**
 * Long-polls a proposal until it settles or `waitSeconds` pass, then answers its current state.
 * Wakes at once on a change in this process; re-reads the store every `recheckMs` so a change made
 * by another replica or the CLI is seen too.
 */
export async function waitForDecision(
  deps: AppDeps,
  principal: Principal,
  proposalId: string,
  waitSeconds: number,
  signal: AbortSignal,
  recheckMs = 1000,
): Promise<Proposal> {
  // Only the row is read while waiting (its status says whether to go on); the whole view once, at the end.
  let current = await readableProposal(deps, principal, proposalId);
  const deadline = Date.now() + waitSeconds * 1000;
  while (!isSettled(current.status) && Date.now() < deadline && !signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(recheckMs, Math.max(0, deadline - Date.now())));
      const unsubscribe = deps.events.subscribeProposal(proposalId, (event) => {
        if (event.type === "proposal.updated") done();
      });
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
    current = await readableProposal(deps, principal, proposalId);
  }
  return viewOf(deps, principal, current);
}
