import type { LoopgateClient } from "../loopgate-client.ts";
import { type ExecutableTool, gateTool } from "./gate-tool.ts";
import { loopgateToolApproval, type ToolActions, toolGateFor } from "./tool-approval.ts";

/** Options of {@link withLoopgate}. */
export interface WithLoopgateOptions {
  /** The tools to gate: a tool name → its action type, or `{ actionType, describe }`. */
  actions: ToolActions;
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /** How long `toolApproval` waits before handing over to the AI SDK's approval flow. @defaultValue 0 */
  waitMs?: number;
}

/**
 * Both halves at once, for the AI SDK's own approval flow: the tools with the named ones gated (so an
 * approved call runs the reviewer's edited arguments) and the `toolApproval` function that proposes
 * them. Spread the result into `generateText`, `streamText` or a `ToolLoopAgent`.
 *
 * @example
 * ```ts
 * import { generateText } from "ai";
 * import { withLoopgate } from "@loopgate/sdk/ai";
 *
 * const gated = withLoopgate({ refund, lookupOrder }, { actions: { refund: "billing.refund" } });
 * const result = await generateText({ model, ...gated, prompt: "Refund the duplicate charge" });
 * // result.content holds a tool-approval-request while the refund waits for review
 * ```
 */
export function withLoopgate<Tools extends Record<string, ExecutableTool>>(
  tools: Tools,
  options: WithLoopgateOptions,
): { tools: Tools; toolApproval: ReturnType<typeof loopgateToolApproval> } {
  const gated: Record<string, ExecutableTool> = {};
  for (const [name, tool] of Object.entries(tools)) {
    const gate = toolGateFor(options.actions, name);
    gated[name] = gate === undefined ? tool : gateTool(tool, { ...gate, loopgate: options.loopgate });
  }
  return {
    tools: gated as Tools,
    toolApproval: loopgateToolApproval(options),
  };
}
