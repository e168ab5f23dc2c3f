import type { ModelMessage, ToolApprovalResponse, ToolModelMessage } from "ai";
import { awaitDecided, clientOrDefault, proposeToolCall } from "../adapters/tool-call.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { DEFAULT_WAIT_MS, type JsonObject } from "../types.ts";
import { aiSdkKey } from "./gate-tool.ts";
import { type ToolActions, toolGateFor } from "./tool-approval.ts";

/** Options of {@link loopgateApprovalResponses}. */
export interface ApprovalResponsesOptions {
  /** The same tool → action type map given to `loopgateToolApproval`. */
  actions: ToolActions;
  /** The Loopgate client. @defaultValue `new Loopgate()` (`LOOPGATE_URL`, `LOOPGATE_API_KEY`) */
  loopgate?: LoopgateClient;
  /**
   * How long to wait for the decisions, in all. `DecisionTimeoutError` when one is still open after it.
   * @defaultValue 600000 (10 minutes)
   */
  waitMs?: number;
  signal?: AbortSignal;
}

/**
 * Answers the AI SDK's open tool approval requests from Loopgate. Give it the conversation so far (the
 * messages that ended with `tool-approval-request` parts, as you stored them); it finds each request's
 * proposal again by the tool call's id, waits for the decisions, and returns the `tool` message of
 * `tool-approval-response` parts to append before calling `generateText` again. Denials carry the
 * reviewer's reason, which the AI SDK passes to the model.
 *
 * Nothing lives in memory between the two calls, so the process may restart in between.
 *
 * @example
 * ```ts
 * import { generateText } from "ai";
 * import { loopgateApprovalResponses } from "@loopgate/sdk/ai";
 *
 * const messages = JSON.parse(await readFile("conversation.json", "utf8")); // stored after the first call
 * messages.push(await loopgateApprovalResponses(messages, { actions: { refund: "billing.refund" } }));
 * const result = await generateText({ model, tools, toolApproval, messages });
 * ```
 */
export async function loopgateApprovalResponses(
  messages: readonly ModelMessage[],
  options: ApprovalResponsesOptions,
): Promise<ToolModelMessage> {
  const loopgate = clientOrDefault(options.loopgate);
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  const content: ToolApprovalResponse[] = [];
  for (const request of openApprovalRequests(messages)) {
    const gate = toolGateFor(options.actions, request.toolName);
    if (gate === undefined) continue; // not Loopgate's to answer
    const proposal = await proposeToolCall(loopgate, gate, request.input, aiSdkKey(request.toolCallId));
    const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
    const outcome = await awaitDecided(loopgate, proposal, deadline, waitMs, options.signal);
    content.push({
      type: "tool-approval-response",
      approvalId: request.approvalId,
      approved: outcome.approved,
      ...(outcome.approved ? {} : { reason: outcome.reason }),
    });
  }
  return { role: "tool", content };
}

interface OpenRequest {
  approvalId: string;
  toolCallId: string;
  toolName: string;
  input: JsonObject;
}

/** The approval requests in `messages` that no `tool-approval-response` answers yet, with their calls. */
function openApprovalRequests(messages: readonly ModelMessage[]): OpenRequest[] {
  const calls = new Map<string, { toolName: string; input: JsonObject }>();
  const requests: { approvalId: string; toolCallId: string }[] = [];
  const answered = new Set<string>();
  for (const message of messages) {
    if (typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type === "tool-call") {
        calls.set(part.toolCallId, { toolName: part.toolName, input: part.input as JsonObject });
      } else if (part.type === "tool-approval-request") {
        requests.push({ approvalId: part.approvalId, toolCallId: part.toolCallId });
      } else if (part.type === "tool-approval-response") {
        answered.add(part.approvalId);
      }
    }
  }
  return requests.flatMap((request) => {
    const call = calls.get(request.toolCallId);
    return call === undefined || answered.has(request.approvalId) ? [] : [{ ...request, ...call }];
  });
}
