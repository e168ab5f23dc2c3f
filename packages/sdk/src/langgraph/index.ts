/**
 * `@loopgate/sdk/langgraph`: Loopgate for LangGraph.js. `requestApproval` (or `approveAndRun`) proposes
 * from inside a node and stops the graph with `interrupt()`; `resumeFromLoopgate` turns Loopgate's
 * decisions into `Command({ resume })` on the right thread, in any process that shares the checkpointer.
 *
 * @packageDocumentation
 */
export {
  type ApprovalOutcome,
  approveAndRun,
  type LoopgateInterruptValue,
  type RequestApprovalOptions,
  requestApproval,
} from "./request-approval.ts";
export { type ResumableGraph, type ResumeOptions, resumeFromLoopgate } from "./resume-thread.ts";
