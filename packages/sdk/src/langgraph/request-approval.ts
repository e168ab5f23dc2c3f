import { getConfig, interrupt } from "@langchain/langgraph";
import { runApproved } from "../adapters/run-approved.ts";
import {
  clientOrDefault,
  outcomeOf,
  proposeToolCall,
  type ToolCallOutcome,
  type ToolGate,
} from "../adapters/tool-call.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import type { JsonObject } from "../types.ts";

/** The value a Loopgate interrupt carries, as `getState(…).tasks[].interrupts[].value` shows it. */
export interface LoopgateInterruptValue {
  loopgate: { proposalId: string; actionType: string; summary: string | null };
}

/** Options of {@link requestApproval}. */
export interface RequestApprovalOptions {
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /**
   * Tells apart two approvals of the same action type in one node; part of the proposal's idempotency
   * key, with the thread and the task (`langgraph:<thread_id>:<checkpoint_ns>:<key>`).
   * @defaultValue the action type
   */
  key?: string;
  /** The node's config; read with `getConfig()` when not given. */
  config?: { configurable?: Record<string, unknown> };
}

/** What a node learns from {@link requestApproval}: approved with the payload to run, or refused and why. */
export type ApprovalOutcome = Exclude<ToolCallOutcome, { approved: null }>;

/**
 * Asks Loopgate inside a LangGraph node. Proposes the action, then calls `interrupt()` so the graph stops
 * and its checkpointer keeps the thread; the process may exit. When the thread is resumed (by
 * `resumeFromLoopgate`), the node runs again: the same proposal is found by its idempotency key, the
 * interrupt returns, and the decision is read from Loopgate — never taken from the resume value — so a
 * forged or stale resume cannot approve anything. Auto-approved and blocked actions return at once.
 *
 * @example
 * ```ts
 * import { requestApproval } from "@loopgate/sdk/langgraph";
 *
 * graph.addNode("refund", async (state) => {
 *   const outcome = await requestApproval({ actionType: "billing.refund" }, { amount: state.amount, customerId: state.customerId });
 *   if (!outcome.approved) return { reply: outcome.reason };
 *   return { refundId: await payments.refund(outcome.payload) };
 * });
 * ```
 */
export async function requestApproval(
  gate: ToolGate,
  payload: JsonObject,
  options: RequestApprovalOptions = {},
): Promise<ApprovalOutcome> {
  const loopgate = clientOrDefault(options.loopgate);
  const configurable = (options.config ?? getConfig()).configurable ?? {};
  const thread = String(configurable.thread_id ?? "");
  const task = String(configurable.checkpoint_ns ?? "");
  if (thread === "")
    throw new Error("requestApproval needs a thread: invoke the graph with configurable.thread_id");
  const key = `langgraph:${thread}:${task}:${options.key ?? gate.actionType}`;
  let outcome = outcomeOf(await proposeToolCall(loopgate, gate, payload, key));
  const { proposal } = outcome;
  // One interrupt per look: a resume that came before the decision stops the graph again, at a new index.
  while (outcome.approved === null) {
    const value: LoopgateInterruptValue = {
      loopgate: { proposalId: proposal.id, actionType: proposal.action.type, summary: proposal.summary },
    };
    interrupt(value);
    outcome = outcomeOf(await loopgate.getProposal(proposal.id));
  }
  return outcome;
}

/**
 * {@link requestApproval}, then runs `run` with the approved (possibly edited) payload and reports its
 * result to Loopgate. Refused: `run` is not called and the reason comes back.
 *
 * @example
 * ```ts
 * graph.addNode("refund", async (state) => {
 *   const done = await approveAndRun({ actionType: "billing.refund" }, state.refund, (p) => payments.refund(p));
 *   return done.approved ? { refundId: done.result.id } : { reply: done.reason };
 * });
 * ```
 */
export async function approveAndRun<Result>(
  gate: ToolGate,
  payload: JsonObject,
  run: (payload: JsonObject) => Result | Promise<Result>,
  options: RequestApprovalOptions = {},
): Promise<
  | { approved: true; result: Awaited<Result>; payload: JsonObject; edited: boolean }
  | { approved: false; reason: string }
> {
  const outcome = await requestApproval(gate, payload, options);
  if (!outcome.approved) return { approved: false, reason: outcome.reason };
  const loopgate = clientOrDefault(options.loopgate);
  const result = await runApproved(loopgate, outcome.proposal, outcome.payload, run);
  return { approved: true, result, payload: outcome.payload, edited: outcome.edited };
}
