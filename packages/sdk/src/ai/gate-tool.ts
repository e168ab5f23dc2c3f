import { runApproved } from "../adapters/run-approved.ts";
import { awaitOutcome, clientOrDefault, proposeToolCall, type ToolGate } from "../adapters/tool-call.ts";
import { ToolCallRefusedError } from "../adapters/tool-call-refused-error.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { DEFAULT_WAIT_MS, type JsonObject } from "../types.ts";

/**
 * The part of an AI SDK tool this adapter touches: its `execute`. Typed structurally (`never` parameters
 * accept any tool's `execute`) so the adapter needs no runtime import of `ai`.
 */
export interface ExecutableTool {
  execute?: (input: never, options: never) => unknown;
}

/** What `execute` receives from the AI SDK besides the input; only these fields are read. */
interface ExecutionOptions {
  toolCallId: string;
  abortSignal?: AbortSignal;
}

/** Options of {@link gateTool}. */
export interface GateToolOptions extends ToolGate {
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /**
   * How long `execute` waits for a person before the model is told the call is still waiting.
   * @defaultValue 600000 (10 minutes)
   */
  timeoutMs?: number;
}

/** The idempotency key of an AI SDK tool call: the model's call id is unique within a conversation. */
export function aiSdkKey(toolCallId: string): string {
  return `ai-sdk:${toolCallId}`;
}

/**
 * Gates an AI SDK tool: each call is proposed to Loopgate and `execute` runs only once it is approved,
 * with the approved arguments — the reviewer's, if they edited them. A refusal (rejected, blocked,
 * expired, more information needed, or no decision in time) throws {@link ToolCallRefusedError}, which
 * the AI SDK hands to the model as the tool's error text: the model reads the reviewer's reason.
 *
 * The proposal's idempotency key is `ai-sdk:<toolCallId>`, so the same call finds the same proposal again
 * (after a restart, or after {@link loopgateToolApproval} proposed it first).
 *
 * @example
 * ```ts
 * import { generateText, tool } from "ai";
 * import { gateTool } from "@loopgate/sdk/ai";
 * import { z } from "zod";
 *
 * const refund = gateTool(
 *   tool({
 *     description: "Refund a customer",
 *     inputSchema: z.object({ amount: z.number(), currency: z.string(), customerId: z.string() }),
 *     execute: async (input) => payments.refund(input),
 *   }),
 *   { actionType: "billing.refund" },
 * );
 * await generateText({ model, tools: { refund }, prompt: "Refund the duplicate charge of c_123" });
 * ```
 */
export function gateTool<Tool extends ExecutableTool>(tool: Tool, options: GateToolOptions): Tool {
  const execute = tool.execute as ((input: JsonObject, options: ExecutionOptions) => unknown) | undefined;
  if (execute === undefined) {
    throw new TypeError("gateTool needs a tool with `execute`: there is nothing to run after approval");
  }
  const loopgate = clientOrDefault(options.loopgate);
  const gated = async (input: JsonObject, execution: ExecutionOptions) => {
    const proposal = await proposeToolCall(loopgate, options, input, aiSdkKey(execution.toolCallId));
    const outcome = await awaitOutcome(
      loopgate,
      proposal,
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      execution.abortSignal,
    );
    if (outcome.approved !== true) throw new ToolCallRefusedError(outcome);
    return runApproved(loopgate, outcome.proposal, outcome.payload, (payload) => execute(payload, execution));
  };
  return { ...tool, execute: gated };
}
