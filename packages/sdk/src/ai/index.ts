/**
 * `@loopgate/sdk/ai`: Loopgate for the Vercel AI SDK (`ai`). `gateTool` makes a tool run only with the
 * approved (possibly edited) arguments; `loopgateToolApproval` backs the AI SDK's `toolApproval` with
 * Loopgate's policy and reviewers; `loopgateApprovalResponses` answers the open approval requests from
 * Loopgate's decisions, in this process or a restarted one; `withLoopgate` sets up both halves.
 *
 * @packageDocumentation
 */
export { ToolCallRefusedError } from "../adapters/tool-call-refused-error.ts";
export { type ApprovalResponsesOptions, loopgateApprovalResponses } from "./approval-responses.ts";
export { aiSdkKey, type ExecutableTool, type GateToolOptions, gateTool } from "./gate-tool.ts";
export { loopgateToolApproval, type ToolActions, type ToolApprovalOptions } from "./tool-approval.ts";
export { type WithLoopgateOptions, withLoopgate } from "./with-loopgate.ts";
