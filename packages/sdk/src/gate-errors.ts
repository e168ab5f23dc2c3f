import type { DecisionView, Proposal, RouteReason } from "@loopgate/core/wire";

/**
 * The base of the errors `gate` throws when the action must not run: it was rejected, blocked, expired,
 * cancelled, handled by a person, or needs information the agent did not give. `proposal` is its final state.
 *
 * @example
 * ```ts
 * import { ActionNotApprovedError, gate, Loopgate } from "@loopgate/sdk";
 *
 * try {
 *   await gate(new Loopgate(), { type: "support.reply", payload: { body: "Hi" } }, async () => "sent");
 * } catch (error) {
 *   if (error instanceof ActionNotApprovedError) console.log(error.code, error.proposal.id);
 * }
 * ```
 */
export class ActionNotApprovedError extends Error {
  override name = "ActionNotApprovedError";
  /** Stable snake_case code: `action_rejected`, `action_blocked`, `action_expired`, … */
  readonly code: string;
  readonly proposal: Proposal;

  constructor(code: string, message: string, proposal: Proposal) {
    super(message);
    this.code = code;
    this.proposal = proposal;
  }
}

/**
 * A reviewer (or the on-expiry rule) rejected the action. `category` and `comment` are the reviewer's
 * reason, for the agent to act on; `decision` is the rejecting decision, `null` when no person decided.
 *
 * @example
 * ```ts
 * import { ActionRejectedError, gate, Loopgate } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "billing.refund", payload: { amount: 500 } }, async () => {}).catch((e) => {
 *   if (e instanceof ActionRejectedError) console.log(`rejected (${e.category}): ${e.comment}`);
 * });
 * ```
 */
export class ActionRejectedError extends ActionNotApprovedError {
  override name = "ActionRejectedError";
  readonly category: string | null;
  readonly comment: string | null;
  readonly decision: DecisionView | null;

  constructor(proposal: Proposal) {
    const decision = lastDecision(proposal);
    const comment = decision?.comment ?? null;
    super(
      "action_rejected",
      `${proposal.action.type} was rejected${comment === null ? "" : `: ${comment}`}`,
      proposal,
    );
    this.decision = decision;
    this.category = decision?.category ?? null;
    this.comment = comment;
  }
}

/**
 * The policy blocked the action; it never runs. `reasons` are the route's reasons (rule and message).
 *
 * @example
 * ```ts
 * import { ActionBlockedError, gate, Loopgate } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "account.delete", payload: { id: "c_1" } }, async () => {}).catch((e) => {
 *   if (e instanceof ActionBlockedError) console.log(e.reasons.map((r) => r.message).join("; "));
 * });
 * ```
 */
export class ActionBlockedError extends ActionNotApprovedError {
  override name = "ActionBlockedError";
  readonly reasons: RouteReason[];

  constructor(proposal: Proposal) {
    const reasons = proposal.route.reasons;
    const why = reasons.map((r) => r.message).join("; ");
    super("action_blocked", `${proposal.action.type} is blocked by policy${why ? `: ${why}` : ""}`, proposal);
    this.reasons = reasons;
  }
}

/**
 * No decision came before the review's due time and the on-expiry rule expired the proposal.
 *
 * @example
 * ```ts
 * import { ActionExpiredError, gate, Loopgate } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "support.reply", payload: {} }, async () => {}).catch((e) => e instanceof ActionExpiredError);
 * ```
 */
export class ActionExpiredError extends ActionNotApprovedError {
  override name = "ActionExpiredError";

  constructor(proposal: Proposal) {
    super("action_expired", `${proposal.action.type} expired before anyone decided`, proposal);
  }
}

/**
 * The proposal was cancelled (withdrawn with `cancel`, e.g. by another process of the same agent).
 *
 * @example
 * ```ts
 * import { ActionCancelledError, gate, Loopgate } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "support.reply", payload: {} }, async () => {}).catch((e) => e instanceof ActionCancelledError);
 * ```
 */
export class ActionCancelledError extends ActionNotApprovedError {
  override name = "ActionCancelledError";

  constructor(proposal: Proposal) {
    super("action_cancelled", `${proposal.action.type} was cancelled`, proposal);
  }
}

/**
 * A person chose to handle the matter themselves: the agent's action is set aside and must not run.
 *
 * @example
 * ```ts
 * import { ActionHandledManuallyError, gate, Loopgate } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "support.reply", payload: {} }, async () => {}).catch((e) => {
 *   if (e instanceof ActionHandledManuallyError) console.log("a person took over:", e.comment);
 * });
 * ```
 */
export class ActionHandledManuallyError extends ActionNotApprovedError {
  override name = "ActionHandledManuallyError";
  readonly comment: string | null;
  readonly decision: DecisionView | null;

  constructor(proposal: Proposal) {
    const decision = lastDecision(proposal);
    super("action_handled_manually", `${proposal.action.type} is being handled by a person`, proposal);
    this.decision = decision;
    this.comment = decision?.comment ?? null;
  }
}

/**
 * The proposal needs more information (a reviewer's `request_info`, or the policy's `needs_info` route) and
 * `onNeedsInfo` gave none. `question` is the reviewer's comment, or the reasons of the rules that routed it to `needs_info`.
 *
 * @example
 * ```ts
 * import { gate, Loopgate, NeedsInfoError } from "@loopgate/sdk";
 *
 * await gate(new Loopgate(), { type: "billing.refund", payload: { amount: 80 } }, async () => {}).catch((e) => {
 *   if (e instanceof NeedsInfoError) console.log("asked:", e.question);
 * });
 * ```
 */
export class NeedsInfoError extends ActionNotApprovedError {
  override name = "NeedsInfoError";
  readonly question: string;

  constructor(proposal: Proposal) {
    const question = questionOf(proposal);
    super("needs_info", `${proposal.action.type} needs more information: ${question}`, proposal);
    this.question = question;
  }
}

/**
 * What a proposal in `needs_info` is asked: the reviewer's comment when a person requested the
 * information, else the reasons of the rules that routed it there.
 *
 * @example
 * ```ts
 * questionOf(proposal); // "Which order was charged twice?"
 * ```
 */
export function questionOf(proposal: Proposal): string {
  const decision = lastDecision(proposal);
  return decision?.verdict === "request_info" && decision.comment
    ? decision.comment
    : routeQuestion(proposal);
}

/** What the policy's `needs_info` route asks: the reasons of the rules that chose it (every reason if none did). */
function routeQuestion(proposal: Proposal): string {
  const asking = proposal.route.reasons.filter((r) => r.route === "needs_info");
  return (asking.length > 0 ? asking : proposal.route.reasons).map((r) => r.message).join("; ");
}

/**
 * The action ran, but reporting its result to Loopgate failed. Do not run it again: `result` is what it
 * returned, `cause` why the report failed. Report it later with `reportResult`.
 *
 * @example
 * ```ts
 * import { gate, Loopgate, ResultNotReportedError } from "@loopgate/sdk";
 *
 * const lg = new Loopgate();
 * await gate(lg, { type: "support.reply", payload: {} }, async () => "sent").catch(async (e) => {
 *   if (e instanceof ResultNotReportedError) await lg.reportResult(e.proposal.id, { status: "succeeded", output: e.result });
 * });
 * ```
 */
export class ResultNotReportedError extends Error {
  override name = "ResultNotReportedError";
  readonly code = "result_not_reported";
  readonly proposal: Proposal;
  readonly result: unknown;

  constructor(proposal: Proposal, result: unknown, cause: unknown) {
    super(`${proposal.action.type} ran, but its result could not be reported to Loopgate`, { cause });
    this.proposal = proposal;
    this.result = result;
  }
}

/**
 * Thrown by `gate` before it runs anything when the approved action is one Loopgate carries out
 * itself (the action type's executor is a webhook): running it in the agent too would run it twice.
 * Use `propose` and `waitForDecision` for such action types; `proposal.execution` follows Loopgate's
 * attempts.
 *
 * @example
 * ```ts
 * await gate(lg, { type: "support.reply", payload }, send).catch((e) => {
 *   if (e instanceof ExecutedByLoopgateError) log.info(`Loopgate sends ${e.proposal.id} itself`);
 * });
 * ```
 */
export class ExecutedByLoopgateError extends Error {
  override name = "ExecutedByLoopgateError";
  readonly code = "executed_by_loopgate";
  readonly proposal: Proposal;

  constructor(proposal: Proposal) {
    super(
      `Loopgate carries out ${proposal.action.type} itself (its executor is a webhook): gate did not run it; use propose and waitForDecision for this action type`,
    );
    this.proposal = proposal;
  }
}

function lastDecision(proposal: Proposal): DecisionView | null {
  return proposal.decisions.at(-1) ?? null;
}
