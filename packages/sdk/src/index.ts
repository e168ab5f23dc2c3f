/**
 * `@loopgate/sdk`: the client agents install to ask a person before acting. `propose` an action,
 * `waitForDecision`, or `gate` a function so it runs only with the approved (possibly edited) payload.
 * Typed errors for every failure; an in-memory fake in `@loopgate/sdk/testing`.
 *
 * @packageDocumentation
 */
export { Loopgate } from "./client.ts";
export {
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidInputError,
  LoopgateError,
  type LoopgateErrorInit,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  ServerError,
  UnauthorizedError,
  UnprocessableError,
} from "./errors.ts";
export { type GateAction, type GateContext, type GateOptions, type GateOutcome, gate } from "./gate.ts";
export {
  ActionBlockedError,
  ActionCancelledError,
  ActionExpiredError,
  ActionHandledManuallyError,
  ActionNotApprovedError,
  ActionRejectedError,
  ExecutedByLoopgateError,
  NeedsInfoError,
  ResultNotReportedError,
} from "./gate-errors.ts";
export type { LoopgateClient } from "./loopgate-client.ts";
export type { LoopgateOptions, RetryOptions } from "./options.ts";
export { isSettled } from "./proposal-status.ts";
export type {
  ClaimNextAnswer,
  ClaimNextOptions,
  ClaimOptions,
  DecideInput,
  DecisionResult,
  JsonObject,
  ListPage,
  ListReviewsQuery,
  Outcome,
  OutcomeList,
  Proposal,
  ProposeInput,
  ProposeOptions,
  ProvideInfoInput,
  RecordOutcomeInput,
  ResultReport,
  ReviewItem,
  ReviewListItem,
  WaitOptions,
} from "./types.ts";
export { type Grant, type GrantRefusal, type GrantVerification, verifyGrant } from "./verify-grant.ts";
export { DecisionTimeoutError, HeldByStopError } from "./wait-errors.ts";
