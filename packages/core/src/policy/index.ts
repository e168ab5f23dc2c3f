/**
 * Policy: load and check a `loopgate.yaml`, compile its CEL rules and payload schemas once per version,
 * route proposals (rules, autonomy stage, sampling) and plan their reviews. See docs/policy.md.
 *
 * @packageDocumentation
 */
export {
  type BreakerSettings,
  DEFAULT_BREAKERS,
  DEFAULT_PROMOTION,
  PolicyBreakersDocument,
  PolicyPromotionDocument,
  type PromotionSettings,
  resolveBreakers,
  resolvePromotion,
} from "./autonomy-document.ts";
export type { ReviewKind } from "./autonomy-stage.ts";
export type { BusinessHours, Weekday } from "./business-hours.ts";
export { dueAfter, openTimeBefore, parseClockTime, WEEKDAYS } from "./business-hours.ts";
export {
  canaryFor,
  checkCanaries,
  PolicyCanariesDocument,
  PolicyCanaryDocument,
  withoutCanaries,
} from "./canary-document.ts";
export type { CelBindings, CelCondition } from "./cel-condition.ts";
export { CEL_VARIABLES } from "./cel-condition.ts";
export type {
  ActionTypeSettings,
  BypassSettings,
  CompiledPolicy,
  CompiledRule,
  NotifyChannel,
  PolicyExample,
  QueueSettings,
  ReviewSettings,
} from "./compiled-policy.ts";
export {
  PolicyActionDocument,
  PolicyDocument,
  PolicyDuration,
  PolicyExampleDocument,
  PolicyExampleSignals,
  PolicyExecuteDocument,
  PolicyQueueDocument,
  PolicyReviewDocument,
  PolicyRuleDocument,
  QueueName,
  RESERVED_RULE_IDS,
} from "./document.ts";
export { parseDuration } from "./duration.ts";
export {
  PolicyBusinessHoursDocument,
  PolicyBypassDocument,
  PolicyNotifyChannelDocument,
} from "./ladder-document.ts";
export { DEFAULT_BYPASS_WINDOW_MS } from "./ladder-settings.ts";
export type { LoadPolicyResult } from "./load-policy.ts";
export { loadPolicy } from "./load-policy.ts";
export {
  applyOverload,
  type CompiledOverload,
  type OverloadEffect,
  PolicyOverloadDocument,
  type QueueLoad,
} from "./overload.ts";
export { validatePayload } from "./payload-validation.ts";
export type { PolicyExampleResult } from "./policy-examples.ts";
export { overlaySignals, runPolicyExamples } from "./policy-examples.ts";
export type { PolicyProblem } from "./policy-problem.ts";
export type { ReviewPlan } from "./review-plan.ts";
export type { RouteInput } from "./route-input.ts";
export { moreRestrictive, ROUTE_ORDER } from "./route-order.ts";
export type { RouteDecision } from "./route-proposal.ts";
export { routeProposal } from "./route-proposal.ts";
export { isSampled } from "./sampling.ts";
export {
  DEFAULT_ON_EXPIRY,
  DEFAULT_QUEUE,
  DEFAULT_SLA_MS,
  escalationTarget,
  queueSettings,
} from "./settings.ts";
