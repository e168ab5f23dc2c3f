import type { GateAction, GateContext, GateOptions, GateOutcome } from "./gate.ts";
import type {
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

/**
 * What an agent (and a reviewer's script) can do with Loopgate. The HTTP client {@link Loopgate} and the
 * in-memory fake from `@loopgate/sdk/testing` both implement it, so code written against this interface
 * runs unchanged in tests.
 *
 * @example
 * ```ts
 * import { type LoopgateClient, Loopgate } from "@loopgate/sdk";
 * import { createFakeLoopgate } from "@loopgate/sdk/testing";
 *
 * async function refund(loopgate: LoopgateClient, amount: number) {
 *   return loopgate.gate({ type: "billing.refund", payload: { amount } }, async (p) => `refunded ${p.amount}`);
 * }
 * await refund(new Loopgate(), 42); // in production
 * await refund(createFakeLoopgate(), 42); // in tests
 * ```
 */
export interface LoopgateClient {
  /** Submits a proposal (`POST /v1/proposals`) and returns it as routed. */
  propose(input: ProposeInput, options?: ProposeOptions): Promise<Proposal>;
  /** Reads a proposal (`GET /v1/proposals/:id`). */
  getProposal(id: string): Promise<Proposal>;
  /**
   * Waits until the proposal reaches a terminal status or `needs_info`, and returns it; throws
   * `DecisionTimeoutError` (with the last state seen) when `timeoutMs` passes first.
   */
  waitForDecision(id: string, options?: WaitOptions): Promise<Proposal>;
  /** Answers a request for information (`POST /v1/proposals/:id/info`); returns the new revision, routed again. */
  provideInfo(id: string, info: ProvideInfoInput): Promise<Proposal>;
  /** Withdraws a proposal still pending (`POST /v1/proposals/:id/cancel`). */
  cancel(id: string): Promise<Proposal>;
  /** Reports the result of an action the agent carried out (`POST /v1/proposals/:id/result`). */
  reportResult(id: string, result: ResultReport): Promise<Proposal>;
  /**
   * Records what happened after the action ran (`POST /v1/proposals/:id/outcome`): `fine`, an `incident`
   * (feeds the incident circuit breaker; refused with `ConflictError` code `not_executed` when the action
   * never ran) or a `note`.
   */
  recordOutcome(id: string, outcome: RecordOutcomeInput): Promise<Outcome>;
  /** The outcomes recorded for a proposal, oldest first (`GET /v1/proposals/:id/outcomes`). */
  listOutcomes(id: string): Promise<OutcomeList>;
  /**
   * One page of the caller's review queue (`GET /v1/reviews`); each item says whether the caller already
   * approved it (`approvedByCaller`: an open N-of-M review they approved waits for someone else).
   */
  listReviews(query?: ListReviewsQuery): Promise<ListPage<ReviewListItem>>;
  /** Takes a review for a while (`POST /v1/reviews/:id/claim`), so other reviewers leave it alone. */
  claim(reviewId: string, options?: ClaimOptions): Promise<ReviewItem>;
  /**
   * Claims the next review waiting in the caller's queues and returns it with its packet
   * (`POST /v1/reviews/claim-next`); `{ review: null, proposal: null }` when nothing can be taken.
   */
  claimNext(options?: ClaimNextOptions): Promise<ClaimNextAnswer>;
  /** Gives a claimed review back (`POST /v1/reviews/:id/release`). */
  release(reviewId: string): Promise<ReviewItem>;
  /** Decides a review (`POST /v1/reviews/:id/decisions`). */
  decide(reviewId: string, decision: DecideInput): Promise<DecisionResult>;
  /** Proposes, waits, runs the approved payload and reports the result: see {@link gate}. */
  gate<Payload extends JsonObject, Result>(
    action: GateAction<Payload>,
    run: (payload: Payload, context: GateContext) => Result | Promise<Result>,
    options?: GateOptions,
  ): Promise<GateOutcome<Awaited<Result>>>;
}
