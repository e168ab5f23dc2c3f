import { InvalidInputError, NotFoundError, UnprocessableError } from "../errors.ts";
import { type GateAction, type GateContext, type GateOptions, type GateOutcome, gate } from "../gate.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { isSettled } from "../proposal-status.ts";
import {
  type ClaimNextAnswer,
  type ClaimNextOptions,
  type ClaimOptions,
  DEFAULT_WAIT_MS,
  type DecideInput,
  type DecisionResult,
  type JsonObject,
  type ListPage,
  type ListReviewsQuery,
  type Outcome,
  type OutcomeList,
  type Proposal,
  type ProposeInput,
  type ProposeOptions,
  type ProvideInfoInput,
  type RecordOutcomeInput,
  type ResultReport,
  type ReviewItem,
  type ReviewListItem,
  type WaitOptions,
} from "../types.ts";
import { decisionTimeout } from "../wait-errors.ts";
import { applyDecision, routeProposal, settle } from "./fake-decisions.ts";
import { outcomesOf, recordOutcome } from "./fake-outcomes.ts";
import { newProposal, packetHash } from "./fake-proposal.ts";
import { claimReview, closeReview, FAKE_REVIEWER, matchingReviews, queuePage } from "./fake-reviews.ts";
import type { FakeLoopgateOptions } from "./fake-rules.ts";
import { canonicalJson, clone, type Entry, FakeState, type RecordedResult } from "./fake-state.ts";

/**
 * An in-memory Loopgate with the same interface as the HTTP client, for testing agents without a server.
 * Rules decide each proposal — approve, edit, reject, block, ask for information, expire, or leave it for
 * `decide()` — at once or after `afterMs` of real time. Its proposals have the wire shape of the API.
 *
 * @example
 * ```ts
 * import { createFakeLoopgate } from "@loopgate/sdk/testing";
 *
 * const fake = createFakeLoopgate({
 *   rules: [{ when: { type: "billing.refund", payload: (p) => p.amount > 100 }, then: { verdict: "edit", payload: (p) => ({ ...p, amount: 100 }) } }],
 *   default: { verdict: "approve" },
 * });
 * const { result } = await fake.gate({ type: "billing.refund", payload: { amount: 250 } }, (p) => p.amount);
 * // result === 100; fake.results[0].status === "succeeded"
 * ```
 */
export class FakeLoopgate implements LoopgateClient {
  readonly #state: FakeState;

  constructor(options: FakeLoopgateOptions = {}) {
    this.#state = new FakeState(options);
  }

  /** Every proposal made, in order, as it stands now. */
  get proposals(): Proposal[] {
    return [...this.#state.entries.values()].map((entry) => clone(settle(this.#state, entry).proposal));
  }

  /** Every result reported, in order. */
  get results(): RecordedResult[] {
    return this.#state.results.map(clone);
  }

  /** Every outcome recorded, in order, on any proposal. */
  get outcomes(): Outcome[] {
    return this.#state.outcomes.map(clone);
  }

  propose(input: ProposeInput, options: ProposeOptions = {}): Promise<Proposal> {
    return this.#run(() => {
      const state = this.#state;
      if (typeof input?.action?.type !== "string" || input.action.type === "") {
        throw state.error(InvalidInputError, 400, "invalid_input", "action.type is required", {
          issues: [{ path: "action.type", message: "required" }],
        });
      }
      const key = options.idempotencyKey;
      const body = canonicalJson(input);
      if (key !== undefined) {
        const earlier = state.idempotency.get(key);
        if (earlier && earlier.body !== body) {
          throw state.error(
            UnprocessableError,
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different body; use a new key for a new proposal",
          );
        }
        if (earlier) return earlier.response;
      }
      const proposal = newProposal(state.id("p"), state.agent, input, state.now());
      const entry: Entry = { proposal, review: null, planned: null };
      state.entries.set(proposal.id, entry);
      routeProposal(state, entry);
      if (key !== undefined) state.idempotency.set(key, { body, response: clone(entry.proposal) });
      return entry.proposal;
    });
  }

  getProposal(id: string): Promise<Proposal> {
    return this.#run(() => this.#entry(id).proposal);
  }

  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Proposal> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entry = this.#entry(id);
      if (isSettled(entry.proposal.status)) return clone(entry.proposal);
      const now = Date.now();
      if (now >= deadline) throw decisionTimeout(clone(entry.proposal), timeoutMs);
      const wake = Math.min(deadline, entry.planned?.at ?? Number.POSITIVE_INFINITY);
      await this.#state.nextChange(wake - now, options.signal);
    }
  }

  provideInfo(id: string, info: ProvideInfoInput): Promise<Proposal> {
    return this.#run(() => {
      const entry = this.#entry(id);
      const p = entry.proposal;
      if (p.status !== "needs_info")
        throw this.#state.conflict(
          "not_waiting_for_info",
          `proposal ${id} is ${p.status}, not needs_info`,
          p,
        );
      p.revision += 1;
      p.packetHash = packetHash(p.id, p.revision);
      if (info.action) p.action = { type: info.action.type, payload: info.action.payload ?? {} };
      p.evidence.push(...(info.evidence ?? []));
      p.toolCalls.push(...(info.toolCalls ?? []));
      if (info.context) p.context = { ...p.context, ...info.context };
      p.info.push({ at: this.#state.now(), message: info.message ?? null });
      routeProposal(this.#state, entry);
      return p;
    });
  }

  cancel(id: string): Promise<Proposal> {
    return this.#run(() => {
      const entry = this.#entry(id);
      const p = entry.proposal;
      if (isSettled(p.status) && p.status !== "needs_info") {
        throw this.#state.conflict("not_pending", `proposal ${id} is already ${p.status}`, p);
      }
      closeReview(entry, "cancelled");
      entry.planned = null;
      p.status = "cancelled";
      return p;
    });
  }

  reportResult(id: string, result: ResultReport): Promise<Proposal> {
    return this.#run(() => {
      const { proposal } = this.#entry(id);
      const approved = ["approved", "approved_with_edits", "auto_approved"].includes(proposal.status);
      if (!approved || proposal.execution.status !== "not_started") {
        throw this.#state.conflict(
          "not_awaiting_result",
          `proposal ${id} is not an approved action awaiting its result`,
          proposal,
        );
      }
      proposal.execution = {
        status: result.status === "succeeded" ? "executed" : "failed",
        attempts: 1,
        result: result.status === "succeeded" ? result.output : { error: result.error ?? null },
      };
      this.#state.results.push({ ...clone(result), proposalId: id, at: this.#state.now() });
      return proposal;
    });
  }

  /**
   * Records an outcome as the fake's agent, with the server's checks: `InvalidInputError` naming each
   * field, `ConflictError` code `not_executed` for an incident on an action that never ran (no result
   * reported as `succeeded` or `failed`), `NotFoundError` for an unknown proposal.
   *
   * @example
   * ```ts
   * const fake = createFakeLoopgate({ default: { verdict: "auto" } });
   * const { proposal } = await fake.gate({ type: "billing.refund", payload: { amount: 5 } }, () => "rf_1");
   * await fake.recordOutcome(proposal.id, { kind: "incident", severity: "high", comment: "paid twice" });
   * // fake.outcomes[0].kind === "incident"
   * ```
   */
  recordOutcome(id: string, outcome: RecordOutcomeInput): Promise<Outcome> {
    return this.#run(() => recordOutcome(this.#state, this.#entry(id), outcome));
  }

  /** The outcomes recorded for a proposal, oldest first; `NotFoundError` for an unknown proposal. */
  listOutcomes(id: string): Promise<OutcomeList> {
    return this.#run(() => ({ items: outcomesOf(this.#state, this.#entry(id).proposal.id) }));
  }

  listReviews(query: ListReviewsQuery = {}): Promise<ListPage<ReviewListItem>> {
    return this.#run(() => {
      for (const entry of this.#state.entries.values()) settle(this.#state, entry);
      return queuePage(this.#state, query);
    });
  }

  claim(reviewId: string, options: ClaimOptions = {}): Promise<ReviewItem> {
    return this.#run(() => {
      const review = this.#openReview(reviewId);
      claimReview(review, options);
      return review;
    });
  }

  /** The first waiting review (of `queue`) nobody else holds, claimed by the fake reviewer, with its proposal. */
  claimNext(options: ClaimNextOptions = {}): Promise<ClaimNextAnswer> {
    return this.#run(() => {
      for (const entry of this.#state.entries.values()) settle(this.#state, entry);
      const now = Date.now();
      const review = matchingReviews(this.#state, options.queue ? { queue: options.queue } : {}).find(
        (r) => r.claim === null || r.claim.by.id === FAKE_REVIEWER.id || Date.parse(r.claim.expiresAt) <= now,
      );
      if (review === undefined) return { review: null, proposal: null };
      claimReview(review, options);
      return { review, proposal: this.#entry(review.proposalId).proposal };
    });
  }

  release(reviewId: string): Promise<ReviewItem> {
    return this.#run(() => {
      const review = this.#openReview(reviewId);
      review.claim = null;
      return review;
    });
  }

  decide(reviewId: string, decision: DecideInput): Promise<DecisionResult> {
    return this.#run(() => {
      const review = this.#openReview(reviewId);
      const entry = this.#entry(review.proposalId);
      entry.planned = null;
      return applyDecision(this.#state, entry, decision);
    });
  }

  gate<Payload extends JsonObject, Result>(
    action: GateAction<Payload>,
    run: (payload: Payload, context: GateContext) => Result | Promise<Result>,
    options?: GateOptions,
  ): Promise<GateOutcome<Awaited<Result>>> {
    return gate(this, action, run, options);
  }

  /** Runs one call asynchronously, as over HTTP, and hands out a copy so callers cannot change the state. */
  async #run<T>(call: () => T): Promise<T> {
    await Promise.resolve();
    const value = call();
    this.#state.notify();
    return clone(value);
  }

  /** The proposal's entry with any verdict due landed; `NotFoundError` for an unknown id. */
  #entry(id: string): Entry {
    const entry = this.#state.entries.get(id);
    if (!entry) throw this.#state.error(NotFoundError, 404, "proposal_not_found", `no proposal ${id}`);
    return settle(this.#state, entry);
  }

  /** A review still open; `NotFoundError` for an unknown id, `ConflictError` once it has ended. */
  #openReview(reviewId: string): ReviewItem {
    const review = this.#state.reviews.get(reviewId);
    if (!review) throw this.#state.error(NotFoundError, 404, "review_not_found", `no review ${reviewId}`);
    const entry = this.#entry(review.proposalId);
    if (entry.review?.id !== reviewId) {
      throw this.#state.conflict("already_decided", `review ${reviewId} is ${review.status}`, entry.proposal);
    }
    return review;
  }
}

/**
 * Makes an in-memory {@link FakeLoopgate} that decides by `rules` (first match wins, else `default`, else
 * approve). Records every proposal (`fake.proposals`), reported result (`fake.results`) and recorded
 * outcome (`fake.outcomes`).
 *
 * @example
 * ```ts
 * import { createFakeLoopgate } from "@loopgate/sdk/testing";
 *
 * const fake = createFakeLoopgate({
 *   rules: [
 *     { when: { type: "billing.refund", payload: (p) => p.amount > 100 }, then: { verdict: "edit", payload: (p) => ({ ...p, amount: 100 }) } },
 *     { when: { type: "support.reply" }, then: { verdict: "approve", afterMs: 50 } },
 *   ],
 *   default: { verdict: "approve" },
 * });
 * await fake.gate({ type: "support.reply", payload: { body: "Hi" } }, async () => "sent"); // approved after 50 ms
 * console.log(fake.proposals[0]?.status, fake.results[0]?.output); // "approved" "sent"
 * ```
 */
export function createFakeLoopgate(options: FakeLoopgateOptions = {}): FakeLoopgate {
  return new FakeLoopgate(options);
}
