import { Loopgate } from "../client.ts";
import { UnprocessableError } from "../errors.ts";
import {
  ActionBlockedError,
  ActionCancelledError,
  ActionExpiredError,
  ActionHandledManuallyError,
  type ActionNotApprovedError,
  ActionRejectedError,
  NeedsInfoError,
} from "../gate-errors.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { assertNever } from "../proposal-status.ts";
import type { JsonObject, Proposal, ProposeInput } from "../types.ts";
import { DecisionTimeoutError, decisionTimeout } from "../wait-errors.ts";

/**
 * The one piece of logic every framework adapter shares: a tool call becomes a proposal, found again by
 * an idempotency key derived from the framework's own call id, and its decision becomes an outcome the
 * adapter can hand to its framework (run with this payload, or tell the model this reason).
 *
 * Finding the proposal again by key, not by an id held in memory, is what lets an agent process die
 * between the proposal and the decision and pick up where it stopped.
 */

/** What a framework's tool call is proposed as; every field but `actionType` is optional. */
export interface ToolGate {
  /** The action type in the policy this call is proposed as, e.g. `billing.refund`. */
  actionType: string;
  /**
   * More of the proposal for the reviewer (summary, evidence, signals, …), computed from the call's
   * arguments. Must be deterministic: the same arguments must give the same proposal, because a restarted
   * agent finds its proposal again by sending the same body with the same idempotency key.
   */
  describe?: (input: JsonObject) => Omit<ProposeInput, "action">;
}

/** The decision on a tool call, in the terms an adapter needs. */
export type ToolCallOutcome =
  | {
      approved: true;
      /** The arguments to run the tool with: as approved, possibly edited by a reviewer. */
      payload: JsonObject;
      edited: boolean;
      proposal: Proposal;
    }
  | {
      approved: false;
      /** One sentence for the model or the caller: who refused and why (the reviewer's comment). */
      reason: string;
      /** The typed error `gate` would throw for this proposal. */
      error: ActionNotApprovedError;
      proposal: Proposal;
    }
  | { approved: null; proposal: Proposal };

/** The client an adapter uses when none is given: `LOOPGATE_URL` and `LOOPGATE_API_KEY` from the environment. */
export function clientOrDefault(client: LoopgateClient | undefined): LoopgateClient {
  return client ?? new Loopgate();
}

/**
 * Proposes a tool call under `idempotencyKey`, or finds the proposal already made under it, as it stands
 * now: a replay of the same body returns it, and a different body (the arguments re-normalised by a framework after a
 * restart) is refused with 422 naming the original proposal, which is then read.
 *
 * @example
 * ```ts
 * const proposal = await proposeToolCall(new Loopgate(), { actionType: "billing.refund" }, { amount: 40 }, "ai-sdk:call_1");
 * ```
 */
export async function proposeToolCall(
  client: LoopgateClient,
  gate: ToolGate,
  input: JsonObject,
  idempotencyKey: string,
): Promise<Proposal> {
  const body: ProposeInput = { ...gate.describe?.(input), action: { type: gate.actionType, payload: input } };
  try {
    const proposal = await client.propose(body, { idempotencyKey });
    // A replay answers with the proposal as it was first routed; while that was still waiting, read it
    // again, since a person may have decided since. Routes decided at once (auto, block) do not change.
    return outcomeOf(proposal).approved === null ? await client.getProposal(proposal.id) : proposal;
  } catch (error) {
    const original = originalProposalId(error);
    if (original === undefined) throw error;
    return client.getProposal(original);
  }
}

/**
 * The outcome of a proposal as it stands: approved (with the payload to run), refused (with the reason),
 * or `approved: null` while a person has not decided yet.
 *
 * @example
 * ```ts
 * const outcome = outcomeOf(await loopgate.getProposal(id));
 * if (outcome.approved) await refund(outcome.payload);
 * else if (outcome.approved === false) console.log(outcome.reason);
 * ```
 */
export function outcomeOf(proposal: Proposal): ToolCallOutcome {
  switch (proposal.status) {
    case "approved":
    case "approved_with_edits":
    case "auto_approved":
      return {
        approved: true,
        payload: proposal.finalPayload ?? proposal.action.payload,
        edited: proposal.status === "approved_with_edits",
        proposal,
      };
    case "rejected":
    case "blocked":
    case "expired":
    case "cancelled":
    case "handled_manually":
    case "needs_info": {
      const error = notApprovedError(proposal);
      return { approved: false, reason: reasonFor(proposal, error), error, proposal };
    }
    case "pending_review":
    case "escalated":
    case "held":
      return { approved: null, proposal };
    default:
      return assertNever(proposal.status);
  }
}

/**
 * Waits up to `waitMs` for the decision on a proposal and returns its outcome; `approved: null` when no
 * one decided in time (a `waitMs` of 0 only looks).
 *
 * @example
 * ```ts
 * const outcome = await awaitOutcome(new Loopgate(), proposal, 30_000);
 * ```
 */
export async function awaitOutcome(
  client: LoopgateClient,
  proposal: Proposal,
  waitMs: number,
  signal?: AbortSignal,
): Promise<ToolCallOutcome> {
  const now = outcomeOf(proposal);
  if (now.approved !== null || waitMs <= 0) return now;
  try {
    return outcomeOf(await client.waitForDecision(proposal.id, { timeoutMs: waitMs, signal }));
  } catch (error) {
    if (error instanceof DecisionTimeoutError) return { approved: null, proposal: error.proposal };
    throw error;
  }
}

/**
 * {@link awaitOutcome} against a deadline shared by several proposals (epoch ms): the decided outcome, or
 * `DecisionTimeoutError` (naming the budget `waitMs`) when the proposal is still undecided at the deadline.
 *
 * @example
 * ```ts
 * const deadline = Date.now() + 60_000;
 * for (const p of proposals) outcomes.push(await awaitDecided(loopgate, p, deadline, 60_000));
 * ```
 */
export async function awaitDecided(
  client: LoopgateClient,
  proposal: Proposal,
  deadline: number,
  waitMs: number,
  signal?: AbortSignal,
): Promise<Exclude<ToolCallOutcome, { approved: null }>> {
  const outcome = await awaitOutcome(client, proposal, Math.max(0, deadline - Date.now()), signal);
  if (outcome.approved === null) throw decisionTimeout(outcome.proposal, waitMs);
  return outcome;
}

/** The typed error `gate` throws for a proposal that will not run. */
function notApprovedError(proposal: Proposal): ActionNotApprovedError {
  switch (proposal.status) {
    case "blocked":
      return new ActionBlockedError(proposal);
    case "expired":
      return new ActionExpiredError(proposal);
    case "cancelled":
      return new ActionCancelledError(proposal);
    case "handled_manually":
      return new ActionHandledManuallyError(proposal);
    case "needs_info":
      return new NeedsInfoError(proposal);
    default:
      return new ActionRejectedError(proposal);
  }
}

/**
 * The sentence the model (or an MCP caller) reads instead of the tool's result. It names Loopgate and
 * the proposal so a person can find the case, and carries the reviewer's own words.
 */
function reasonFor(proposal: Proposal, error: ActionNotApprovedError): string {
  const where = `(Loopgate proposal ${proposal.id})`;
  if (error instanceof ActionRejectedError) {
    if (error.decision === null) {
      return `Not done: ${proposal.action.type} was rejected because no one decided before its deadline ${where}.`;
    }
    const category = error.category === null ? "" : ` [${error.category}]`;
    const comment = error.comment === null ? "" : `: ${error.comment}`;
    return `Not done: a reviewer rejected ${proposal.action.type}${category}${comment} ${where}.`;
  }
  if (error instanceof NeedsInfoError) {
    return `Not done yet: the reviewer needs more information before ${proposal.action.type} can run: ${error.question} ${where}.`;
  }
  return `Not done: ${error.message} ${where}.`;
}

function originalProposalId(error: unknown): string | undefined {
  if (!(error instanceof UnprocessableError) || error.code !== "idempotency_key_reused") return undefined;
  const id = (error.details as { proposalId?: unknown } | undefined)?.proposalId;
  return typeof id === "string" ? id : undefined;
}
