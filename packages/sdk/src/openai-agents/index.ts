/**
 * `@loopgate/sdk/openai-agents`: Loopgate for the OpenAI Agents SDK (`@openai/agents`).
 * `loopgateNeedsApproval` and `gateAgentTool` send tool calls to Loopgate; `proposeInterruptions` turns a
 * stopped run into a {@link PendingRun} to store; `resumeFromLoopgate` restores it (in any process),
 * approves or rejects each `RunToolApprovalItem` as Loopgate decided, and runs on.
 *
 * @packageDocumentation
 */
export {
  type AgentFunctionTool,
  type AgentToolGateOptions,
  agentsKey,
  gateAgentTool,
  loopgateNeedsApproval,
} from "./gate-agent-tool.ts";
export {
  type AgentsLoopgateOptions,
  type AgentToolActions,
  applyLoopgateDecisions,
  type PendingRun,
  proposeInterruptions,
  resumeFromLoopgate,
} from "./resume.ts";
