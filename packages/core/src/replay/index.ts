/**
 * Replay and feedback export (SPEC §5): route stored history again under a candidate policy or
 * threshold and report what would change; turn decided reviews into feedback lines. Pure; the store
 * pages the history in.
 *
 * @packageDocumentation
 */
export { type FeedbackOptions, feedbackLines } from "./feedback-lines.ts";
export { payloadDiff } from "./payload-diff.ts";
export {
  PolicyReplay,
  REPLAY_BOUND_LEVEL,
  type ReplayMeta,
  type ReplayOptions,
  type ReplayTallies,
  type ReplayTally,
  replayPolicy,
} from "./policy-replay.ts";
export {
  decisionsInOrder,
  type RecordedDecision,
  type ReplayRecord,
  recordedLabel,
} from "./replay-record.ts";
export { resolveSince } from "./replay-since.ts";
export { VerdictRouter } from "./route-verdict.ts";
export { ruleVariables } from "./rule-variables.ts";
