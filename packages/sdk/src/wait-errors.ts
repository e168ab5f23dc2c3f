import type { Proposal, RouteReason } from "@loopgate/core/wire";
import { LoopgateError } from "./errors.ts";

/*
 * The errors of a wait for a decision that ran out (`waitForDecision`, `gate`, the adapters): the
 * proposal is still waiting, or held by a stop.
 */

/**
 * `waitForDecision` (or `gate`) ran out of time before the proposal reached a decision. `proposal` is the
 * last state seen, so the caller can tell the user which proposal is still waiting.
 *
 * @example
 * ```ts
 * import { DecisionTimeoutError, Loopgate } from "@loopgate/sdk";
 *
 * await new Loopgate().waitForDecision("p_1", { timeoutMs: 5_000 }).catch((e) => {
 *   if (e instanceof DecisionTimeoutError) console.log(`${e.proposal.id} is still ${e.proposal.status}`);
 * });
 * ```
 */
export class DecisionTimeoutError extends LoopgateError {
  override name = "DecisionTimeoutError";
  /** The proposal as last seen, still waiting for a decision. */
  readonly proposal: Proposal;
  /** The wait the caller asked for (`timeoutMs` of `waitForDecision` or `gate`), in milliseconds. */
  readonly timeoutMs: number;

  constructor(proposal: Proposal, timeoutMs: number) {
    super({
      status: null,
      code: "decision_timeout",
      message: `proposal ${proposal.id} is still ${proposal.status} after ${timeoutMs} ms`,
    });
    this.proposal = proposal;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The wait ran out while the proposal was `held`: an owner stopped automation for its agent, its action
 * type or everything. Nothing in the stop's scope runs while it is in force, and no person is asked; when
 * the stop is lifted the proposal is routed again as if it had just arrived. A `DecisionTimeoutError`
 * (same `code`, `decision_timeout`), so code that catches timeouts keeps working; `stopIds` names the
 * stops holding it and `reasons` says why (the stops' own reasons).
 *
 * `gate` throws it without running the action. To go on once the stop is lifted, wait for the same
 * proposal with `waitForDecision(error.proposal.id)`, or call `gate` again with the same
 * `idempotencyKey`, which picks the proposal up instead of proposing it twice.
 *
 * @example
 * ```ts
 * import { gate, HeldByStopError, Loopgate } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "billing.refund", payload }, refund, { idempotencyKey }).catch((e) => {
 *   if (e instanceof HeldByStopError) console.log(`held by ${e.stopIds.join(", ")}: try again later`);
 * });
 * ```
 */
export class HeldByStopError extends DecisionTimeoutError {
  override name = "HeldByStopError";
  /** The stops holding the proposal (from its route's `stop:<id>` reasons). */
  readonly stopIds: string[];
  /** The route's reasons that hold it: one per stop, with the scope and the reason the owner gave. */
  readonly reasons: RouteReason[];

  constructor(proposal: Proposal, timeoutMs: number) {
    super(proposal, timeoutMs);
    this.reasons = proposal.route.reasons.filter((reason) => reason.route === "held");
    this.stopIds = this.reasons.flatMap((reason) =>
      reason.rule.startsWith("stop:") ? [reason.rule.slice("stop:".length)] : [],
    );
    const stops = this.stopIds.length === 0 ? "" : ` (${this.stopIds.join(", ")})`;
    this.message =
      `proposal ${proposal.id} (${proposal.action.type}) is held by a stop${stops}, still after ${timeoutMs} ms: ` +
      "nothing in the stop's scope runs while it is in force, and the proposal will be routed again when " +
      "the stop is lifted";
  }
}

/**
 * The error for a wait that ran out: {@link HeldByStopError} when the proposal is held by a stop, else
 * {@link DecisionTimeoutError}.
 *
 * @example
 * ```ts
 * if (Date.now() >= deadline) throw decisionTimeout(proposal, timeoutMs);
 * ```
 */
export function decisionTimeout(proposal: Proposal, timeoutMs: number): DecisionTimeoutError {
  return proposal.status === "held"
    ? new HeldByStopError(proposal, timeoutMs)
    : new DecisionTimeoutError(proposal, timeoutMs);
}
