/**
 * `@loopgate/sdk/adapters`: what the framework adapters share, for writing an adapter of your own. A tool
 * call is proposed under an idempotency key derived from the framework's call id (so a restarted agent
 * finds it again), its decision becomes an outcome (run this payload, or tell the model this reason), and
 * an approved call runs once with its result reported.
 *
 * @packageDocumentation
 */
export { runApproved } from "./run-approved.ts";
export {
  awaitDecided,
  awaitOutcome,
  clientOrDefault,
  outcomeOf,
  proposeToolCall,
  type ToolCallOutcome,
  type ToolGate,
} from "./tool-call.ts";
export { ToolCallRefusedError } from "./tool-call-refused-error.ts";
