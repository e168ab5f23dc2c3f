import { runApproved } from "../adapters/run-approved.ts";
import { awaitOutcome, clientOrDefault, proposeToolCall, type ToolGate } from "../adapters/tool-call.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import type { JsonObject } from "../types.ts";

/** Options of {@link loopgateNeedsApproval} and {@link gateAgentTool}. */
export interface AgentToolGateOptions extends ToolGate {
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
}

/**
 * The part of an Agents SDK `FunctionTool` this adapter touches, typed structurally so the adapter needs
 * no runtime import of `@openai/agents`.
 */
export interface AgentFunctionTool {
  name: string;
  invoke: (runContext: never, input: string, details?: never) => Promise<unknown>;
  needsApproval: unknown;
}

/** The idempotency key of an Agents SDK tool call: the model's call id. */
export function agentsKey(callId: string): string {
  return `openai-agents:${callId}`;
}

/**
 * A `needsApproval` function backed by Loopgate: the call is proposed, and it needs approval unless the
 * policy auto-approved it. The Agents SDK then stops the run with a `RunToolApprovalItem`; decide those
 * from Loopgate with `resumeFromLoopgate`. The SDK asks again after a `RunState` is restored; the same
 * call finds the same proposal (key `openai-agents:<callId>`), so nothing is proposed twice.
 *
 * @example
 * ```ts
 * import { tool } from "@openai/agents";
 * import { loopgateNeedsApproval } from "@loopgate/sdk/openai-agents";
 *
 * const refund = tool({
 *   name: "refund",
 *   description: "Refund a customer",
 *   parameters: z.object({ amount: z.number(), customerId: z.string() }),
 *   needsApproval: loopgateNeedsApproval({ actionType: "billing.refund" }),
 *   execute: async (input) => payments.refund(input),
 * });
 * ```
 */
export function loopgateNeedsApproval(
  options: AgentToolGateOptions,
): (runContext: unknown, input: unknown, callId?: string) => Promise<boolean> {
  const loopgate = clientOrDefault(options.loopgate);
  return async (_runContext, input, callId) => {
    if (callId === undefined) return true; // no call id to key the proposal on: ask a person the framework's way
    const proposal = await proposeToolCall(loopgate, options, input as JsonObject, agentsKey(callId));
    return proposal.status !== "auto_approved";
  };
}

/**
 * Gates an Agents SDK function tool: `needsApproval` proposes each call to Loopgate (see
 * {@link loopgateNeedsApproval}) and the tool runs with the approved arguments — the reviewer's, if they
 * edited them. The Agents SDK binds an approval to the exact call and refuses changed arguments
 * ("Tool call ID … was reused for a different invocation"), so the edit is applied here, when the tool is
 * invoked, not in the `RunState`. A call that was not approved returns the reviewer's reason as the
 * tool's output instead of running.
 *
 * @example
 * ```ts
 * import { Agent, tool } from "@openai/agents";
 * import { gateAgentTool } from "@loopgate/sdk/openai-agents";
 *
 * const refund = gateAgentTool(
 *   tool({ name: "refund", description: "Refund", parameters: RefundInput, execute: (i) => payments.refund(i) }),
 *   { actionType: "billing.refund" },
 * );
 * const agent = new Agent({ name: "support", instructions: "…", tools: [refund] });
 * ```
 */
export function gateAgentTool<Tool extends AgentFunctionTool>(
  tool: Tool,
  options: AgentToolGateOptions,
): Tool {
  const loopgate = clientOrDefault(options.loopgate);
  const invoke = tool.invoke as (ctx: unknown, input: string, details?: unknown) => Promise<unknown>;
  const gated = async (runContext: unknown, input: string, details?: { toolCall?: { callId?: string } }) => {
    const callId = details?.toolCall?.callId;
    if (callId === undefined) throw new Error(`${tool.name}: no call id, cannot find the Loopgate proposal`);
    const proposal = await proposeToolCall(
      loopgate,
      options,
      JSON.parse(input) as JsonObject,
      agentsKey(callId),
    );
    // The decision was waited for before the run resumed; here it is only read.
    const outcome = await awaitOutcome(loopgate, proposal, 0);
    if (outcome.approved === false) return outcome.reason;
    if (outcome.approved === null) {
      return `Not done yet: ${proposal.action.type} is still waiting for review (Loopgate proposal ${proposal.id}).`;
    }
    return runApproved(loopgate, outcome.proposal, outcome.payload, (payload) =>
      invoke(runContext, JSON.stringify(payload), details),
    );
  };
  return { ...tool, needsApproval: loopgateNeedsApproval(options), invoke: gated };
}
