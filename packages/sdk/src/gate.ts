import {
  ActionBlockedError,
  ActionCancelledError,
  ActionExpiredError,
  ActionHandledManuallyError,
  ActionRejectedError,
  ExecutedByLoopgateError,
  NeedsInfoError,
  questionOf,
  ResultNotReportedError,
} from "./gate-errors.ts";
import type { LoopgateClient } from "./loopgate-client.ts";
import { assertNever, isSettled } from "./proposal-status.ts";
import {
  DEFAULT_WAIT_MS,
  type JsonObject,
  type Proposal,
  type ProposeInput,
  type ProposeOptions,
  type ProvideInfoInput,
  type WaitOptions,
} from "./types.ts";
import { DecisionTimeoutError, decisionTimeout } from "./wait-errors.ts";

/**
 * The action to gate: `{ type, payload }` for short, or a whole proposal (`{ action, summary, evidence, … }`)
 * when the reviewer should see the request, evidence and signals too.
 */
export type GateAction<Payload extends JsonObject = JsonObject> =
  | { type: string; payload?: Payload }
  | (Omit<ProposeInput, "action"> & { action: { type: string; payload?: Payload } });

/** What `run` gets besides the payload. */
export interface GateContext {
  /** The approved proposal. */
  proposal: Proposal;
  /** Whether a reviewer changed the payload before approving it. */
  edited: boolean;
  /** The `signal` given to `gate`, to pass on to the work `run` does. */
  signal: AbortSignal | undefined;
}

/** Options of {@link gate}. `timeoutMs` bounds the whole wait, across any rounds of `needs_info`. */
export interface GateOptions extends Omit<ProposeOptions, "signal">, WaitOptions {
  /** Called once the proposal is accepted, e.g. to log its id or tell the user it awaits approval. */
  onProposed?: (proposal: Proposal) => void | Promise<void>;
  /**
   * Called when the proposal needs more information. Return it (a message, evidence, or a revised action)
   * to answer and keep waiting; return `undefined` to give up with `NeedsInfoError`.
   */
  onNeedsInfo?: (
    proposal: Proposal,
    /** What is asked: the reviewer's comment, or the reasons of the rules that routed it to `needs_info`. */
    question: string,
  ) => ProvideInfoInput | undefined | Promise<ProvideInfoInput | undefined>;
}

/** What `gate` returns: the proposal after the result was reported, and what `run` returned. */
export interface GateOutcome<Result> {
  proposal: Proposal;
  result: Result;
}

/**
 * Puts a person (or the policy) between the agent and an action: proposes it, waits for the decision,
 * runs it with the final payload — as approved, possibly edited by a reviewer — and reports the result.
 *
 * - approved, approved with edits, auto-approved: `run(finalPayload, context)`; its return value is
 *   reported as the output, or its error as a failure (and rethrown).
 * - rejected: throws `ActionRejectedError` with the reviewer's category and comment.
 * - blocked, expired, cancelled, handled manually: `ActionBlockedError`, `ActionExpiredError`,
 *   `ActionCancelledError`, `ActionHandledManuallyError`.
 * - needs info: asks `options.onNeedsInfo`; its answer goes to `provideInfo` and the wait goes on, no answer
 *   throws `NeedsInfoError`.
 * - no decision within `timeoutMs`: `DecisionTimeoutError`; `HeldByStopError`, a kind of it, when the
 *   proposal is `held` by a stop (it is routed again when the stop is lifted).
 * - approved, but Loopgate carries the action out itself (a webhook executor): `ExecutedByLoopgateError`,
 *   before `run` is called.
 *
 * Use it for action types the agent executes itself (`execute: { via: agent }`); for webhook-executed types
 * Loopgate runs the action, so `propose` and `waitForDecision` are enough.
 *
 * @example
 * ```ts
 * import { gate, Loopgate } from "@loopgate/sdk";
 *
 * const loopgate = new Loopgate(); // LOOPGATE_URL, LOOPGATE_API_KEY
 * const { result } = await gate(
 *   loopgate,
 *   { type: "billing.refund", payload: { amount: 42.5, currency: "EUR", customerId: "c_123" } },
 *   async (refund) => ({ refundId: `rf_${refund.customerId}_${refund.amount}` }),
 * );
 * ```
 */
export async function gate<Payload extends JsonObject, Result>(
  client: LoopgateClient,
  action: GateAction<Payload>,
  run: (payload: Payload, context: GateContext) => Result | Promise<Result>,
  options: GateOptions = {},
): Promise<GateOutcome<Awaited<Result>>> {
  const budgetMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const deadline = Date.now() + budgetMs;
  const input: ProposeInput = "action" in action ? action : { action };
  let proposal = await client.propose(input, {
    idempotencyKey: options.idempotencyKey,
    traceparent: options.traceparent,
    signal: options.signal,
  });
  await options.onProposed?.(proposal);

  for (;;) {
    if (!isSettled(proposal.status)) {
      try {
        proposal = await client.waitForDecision(proposal.id, {
          timeoutMs: Math.max(0, deadline - Date.now()),
          signal: options.signal,
        });
      } catch (error) {
        // The wait was what was left of the caller's budget: the error names the budget they asked for.
        if (error instanceof DecisionTimeoutError) throw decisionTimeout(error.proposal, budgetMs);
        throw error;
      }
    }
    switch (proposal.status) {
      case "approved":
      case "approved_with_edits":
      case "auto_approved":
        return execute(client, proposal, run, options.signal);
      case "needs_info": {
        const info = await options.onNeedsInfo?.(proposal, questionOf(proposal));
        if (info === undefined) throw new NeedsInfoError(proposal);
        proposal = await client.provideInfo(proposal.id, info);
        continue;
      }
      case "rejected":
        throw new ActionRejectedError(proposal);
      case "blocked":
        throw new ActionBlockedError(proposal);
      case "expired":
        throw new ActionExpiredError(proposal);
      case "cancelled":
        throw new ActionCancelledError(proposal);
      case "handled_manually":
        throw new ActionHandledManuallyError(proposal);
      case "pending_review":
      case "escalated":
      case "held":
        continue; // waitForDecision returns only settled proposals or throws; this is for the type checker
      default:
        return assertNever(proposal.status);
    }
  }
}

async function execute<Payload extends JsonObject, Result>(
  client: LoopgateClient,
  proposal: Proposal,
  run: (payload: Payload, context: GateContext) => Result | Promise<Result>,
  signal: AbortSignal | undefined,
): Promise<GateOutcome<Awaited<Result>>> {
  // Loopgate's own executor carries it out: running it here too would run it twice.
  if (proposal.execution.executions?.some((e) => e.kind === "execute" && e.via === "webhook"))
    throw new ExecutedByLoopgateError(proposal);
  // The server validated an edit against the action type's payload schema, so it has the proposed shape.
  const payload = (proposal.finalPayload ?? proposal.action.payload) as Payload;
  let result: Awaited<Result>;
  try {
    result = await run(payload, { proposal, edited: proposal.status === "approved_with_edits", signal });
  } catch (error) {
    // Report the failure, but the caller needs the action's own error, not a reporting problem.
    await client.reportResult(proposal.id, { status: "failed", error: messageOf(error) }).catch(() => {});
    throw error;
  }
  try {
    // Under a grant (via: agent), the report presents it with the payload that ran, which consumes it.
    const grant = proposal.execution.grant ?? undefined;
    const reported = await client.reportResult(proposal.id, {
      status: "succeeded",
      output: result,
      ...(grant === undefined ? {} : { grant, payload }),
    });
    return { proposal: reported, result };
  } catch (error) {
    throw new ResultNotReportedError(proposal, result, error);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
