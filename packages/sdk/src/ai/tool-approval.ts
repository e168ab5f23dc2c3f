import type { ToolApprovalStatus } from "ai";
import { awaitOutcome, clientOrDefault, proposeToolCall, type ToolGate } from "../adapters/tool-call.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import type { JsonObject } from "../types.ts";
import { aiSdkKey } from "./gate-tool.ts";

/** Which tools go through Loopgate: a tool name → its action type, or a {@link ToolGate}. */
export type ToolActions = Record<string, string | ToolGate>;

/** Options of {@link loopgateToolApproval}. */
export interface ToolApprovalOptions {
  /** The tools to gate; tools not named here need no approval. */
  actions: ToolActions;
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /**
   * How long to wait for a person before handing the call to the AI SDK's own approval flow
   * (`user-approval`: the step ends with a `tool-approval-request`, to be answered later with
   * {@link loopgateApprovalResponses}). `0` hands over at once unless the policy decided already.
   * @defaultValue 0
   */
  waitMs?: number;
}

/** The tool call the AI SDK asks about; the fields of its `TypedToolCall` this function reads. */
interface AskedToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** The gate for a tool name, or undefined when the tool is not gated. */
export function toolGateFor(actions: ToolActions, toolName: string): ToolGate | undefined {
  const entry = Object.hasOwn(actions, toolName) ? actions[toolName] : undefined;
  return typeof entry === "string" ? { actionType: entry } : entry;
}

/**
 * A `toolApproval` function for `generateText`, `streamText` and agents, backed by Loopgate: each call
 * of a gated tool is proposed, and the policy and reviewers answer it.
 *
 * - auto-approved by policy, or approved within `waitMs` → `approved`;
 * - rejected, blocked, expired, more information needed → `denied`, with the reviewer's reason, which
 *   the AI SDK sends to the model as the `execution-denied` result;
 * - still waiting → `user-approval`, so the framework's own flow (approval request parts, UI hooks such
 *   as `addToolApprovalResponse`) carries on; answer it from Loopgate with {@link loopgateApprovalResponses}.
 *
 * The AI SDK cannot run edited arguments on its own: gate the same tools with `gateTool` (or use
 * `withLoopgate`, which does both), whose `execute` finds the proposal again and runs the approved payload.
 *
 * @example
 * ```ts
 * import { generateText } from "ai";
 * import { gateTool, loopgateToolApproval } from "@loopgate/sdk/ai";
 *
 * const result = await generateText({
 *   model,
 *   tools: { refund: gateTool(refund, { actionType: "billing.refund" }) },
 *   toolApproval: loopgateToolApproval({ actions: { refund: "billing.refund" }, waitMs: 5_000 }),
 *   prompt: "Refund the duplicate charge of c_123",
 * });
 * ```
 */
export function loopgateToolApproval(
  options: ToolApprovalOptions,
): (call: { toolCall: AskedToolCall }) => Promise<ToolApprovalStatus> {
  const loopgate = clientOrDefault(options.loopgate);
  return async ({ toolCall }) => {
    const gate = toolGateFor(options.actions, toolCall.toolName);
    if (gate === undefined) return "not-applicable";
    const input = toolCall.input as JsonObject;
    const proposal = await proposeToolCall(loopgate, gate, input, aiSdkKey(toolCall.toolCallId));
    const outcome = await awaitOutcome(loopgate, proposal, options.waitMs ?? 0);
    if (outcome.approved === true) {
      const how = outcome.edited ? "approved with edits" : outcome.proposal.status.replace("_", "-");
      return { type: "approved", reason: `Loopgate: ${how} (proposal ${proposal.id})` };
    }
    if (outcome.approved === false) return { type: "denied", reason: outcome.reason };
    return {
      type: "user-approval",
      reason: `Waiting for review in Loopgate (proposal ${proposal.id})`,
    };
  };
}
