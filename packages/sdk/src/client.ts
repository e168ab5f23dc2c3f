import { sleep } from "./backoff.ts";
import { type GateAction, type GateContext, type GateOptions, type GateOutcome, gate } from "./gate.ts";
import type { LoopgateClient } from "./loopgate-client.ts";
import { type LoopgateOptions, type ResolvedOptions, resolveOptions } from "./options.ts";
import { isSettled } from "./proposal-status.ts";
import { send } from "./transport.ts";
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
} from "./types.ts";
import { decisionTimeout } from "./wait-errors.ts";

/** The longest `wait` the server accepts on `GET /v1/proposals/:id/decision`, in seconds. */
const MAX_POLL_WAIT_SECONDS = 30;

/**
 * The least time between two polls, in milliseconds. A healthy server holds each poll for the wait it was
 * given; this only keeps a server (or proxy) that answers at once from being polled in a tight loop.
 */
const MIN_POLL_INTERVAL_MS = 1_000;

/**
 * The Loopgate HTTP client, for agents (propose, wait, gate, report) and for reviewers' scripts (list,
 * claim, decide). Reads `LOOPGATE_URL` and `LOOPGATE_API_KEY` from the environment when not given them.
 *
 * Requests that cannot act twice are retried on network errors and 429/502/503/504 with exponential
 * back-off and jitter, honouring `Retry-After`: reads, and `propose`, which always carries an
 * `Idempotency-Key` that each retry reuses. Other writes are retried on 429 only.
 *
 * @example
 * ```ts
 * import { Loopgate } from "@loopgate/sdk";
 *
 * const loopgate = new Loopgate({ url: "http://localhost:4747", apiKey: process.env.SUPPORT_BOT_KEY });
 * const proposal = await loopgate.propose({
 *   action: { type: "support.reply", payload: { to: "ada@example.com", body: "Your refund is on its way." } },
 *   signals: { agentConfidence: 0.92 },
 * });
 * const decided = await loopgate.waitForDecision(proposal.id, { timeoutMs: 60_000 });
 * console.log(decided.status, decided.finalPayload);
 * ```
 */
export class Loopgate implements LoopgateClient {
  readonly #options: ResolvedOptions;

  constructor(options: LoopgateOptions = {}) {
    this.#options = resolveOptions(options);
  }

  /** The base URL this client talks to. */
  get url(): string {
    return this.#options.url;
  }

  /**
   * Submits a proposal and returns it as routed (`status` tells whether it was auto-approved, waits for
   * review, or was blocked). Safe to call again with the same `idempotencyKey`: the server returns the
   * original proposal; the same key with a different body is refused with `UnprocessableError`.
   *
   * @example
   * ```ts
   * const proposal = await new Loopgate().propose(
   *   { action: { type: "billing.refund", payload: { amount: 42.5, currency: "EUR" } }, summary: "Duplicate charge" },
   *   { idempotencyKey: "ticket-812:refund" },
   * );
   * ```
   */
  propose(input: ProposeInput, options: ProposeOptions = {}): Promise<Proposal> {
    const headers: Record<string, string> = {
      "idempotency-key": options.idempotencyKey ?? randomKey(),
    };
    if (options.traceparent !== undefined) headers.traceparent = options.traceparent;
    return send<Proposal>(this.#options, {
      method: "POST",
      path: "/v1/proposals",
      body: input,
      headers,
      retry: "safe",
      signal: options.signal,
    });
  }

  /**
   * Reads a proposal with its route, reviews, decisions and execution.
   *
   * @example
   * ```ts
   * const { status, route } = await new Loopgate().getProposal("p_123");
   * ```
   */
  getProposal(id: string): Promise<Proposal> {
    return this.#get(`/v1/proposals/${encodeURIComponent(id)}`);
  }

  /**
   * Long-polls `GET /v1/proposals/:id/decision?wait=S` (S ≤ 30) until the proposal reaches a terminal
   * status or `needs_info`, and returns it. Throws `DecisionTimeoutError`, carrying the last state seen,
   * when `timeoutMs` (default 10 minutes) passes first — `HeldByStopError`, a kind of it, when a stop
   * holds the proposal; rejects with the signal's reason when aborted.
   *
   * @example
   * ```ts
   * const proposal = await new Loopgate().waitForDecision("p_123", { timeoutMs: 5 * 60_000 });
   * if (proposal.status === "approved_with_edits") console.log("edited to", proposal.finalPayload);
   * ```
   */
  async waitForDecision(id: string, options: WaitOptions = {}): Promise<Proposal> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const started = Date.now();
      // Whole seconds, rounded down, so the last poll ends by the deadline rather than up to 1 s after.
      const wait = Math.min(MAX_POLL_WAIT_SECONDS, Math.max(0, Math.floor((deadline - started) / 1000)));
      const proposal = await send<Proposal>(this.#options, {
        method: "GET",
        path: `/v1/proposals/${encodeURIComponent(id)}/decision`,
        query: { wait },
        retry: "safe",
        extraTimeoutMs: wait * 1000,
        signal: options.signal,
      });
      if (isSettled(proposal.status)) return proposal;
      const now = Date.now();
      if (now >= deadline) throw decisionTimeout(proposal, timeoutMs);
      // Under a second left: one last look at the deadline. Otherwise pause only if the server answered
      // sooner than MIN_POLL_INTERVAL_MS (a healthy one held the poll for `wait` seconds).
      const left = deadline - now;
      const pause = left < 1000 ? left : MIN_POLL_INTERVAL_MS - (now - started);
      if (pause > 0) await sleep(pause, options.signal);
    }
  }

  /**
   * Answers a request for information with a message, more evidence, or a revised action. The server makes
   * a new revision and routes it again; the answer is that revision.
   *
   * @example
   * ```ts
   * await new Loopgate().provideInfo("p_123", {
   *   message: "Order number is 4411",
   *   evidence: [{ source: "orders", id: "4411", title: "Order 4411", snippet: "Charged twice on 2 May" }],
   * });
   * ```
   */
  provideInfo(id: string, info: ProvideInfoInput): Promise<Proposal> {
    return this.#post(`/v1/proposals/${encodeURIComponent(id)}/info`, info);
  }

  /**
   * Withdraws a proposal that is still pending; `ConflictError` when it was decided meanwhile.
   *
   * @example
   * ```ts
   * await new Loopgate().cancel("p_123");
   * ```
   */
  cancel(id: string): Promise<Proposal> {
    return this.#post(`/v1/proposals/${encodeURIComponent(id)}/cancel`, {});
  }

  /**
   * Reports what happened when the agent carried out an approved action.
   *
   * @example
   * ```ts
   * await new Loopgate().reportResult("p_123", { status: "succeeded", output: { refundId: "rf_9" } });
   * await new Loopgate().reportResult("p_124", { status: "failed", error: "card expired" });
   * ```
   */
  reportResult(id: string, result: ResultReport): Promise<Proposal> {
    return this.#post(`/v1/proposals/${encodeURIComponent(id)}/result`, result);
  }

  /**
   * Records what happened after the action ran: `fine`, an `incident` (with an optional `severity`), or a
   * `note`. Incidents feed the incident circuit breaker, which demotes the agent's autonomy on that action
   * type when they pile up, and the false-approval rate. An agent may record outcomes on its own proposals
   * only (`NotFoundError` for another agent's); reviewers and owners on any. An incident on an action that
   * never ran is refused with `ConflictError` code `not_executed` (record a `note` instead); a bad body
   * with `InvalidInputError` naming each field (`body.severity`, …).
   *
   * @example
   * ```ts
   * // A day later the agent learns its refund went out twice.
   * await new Loopgate().recordOutcome("p_123", {
   *   kind: "incident",
   *   severity: "high",
   *   comment: "Refund rf_9 was paid twice; the customer returned the duplicate",
   * });
   * ```
   */
  recordOutcome(id: string, outcome: RecordOutcomeInput): Promise<Outcome> {
    return this.#post(`/v1/proposals/${encodeURIComponent(id)}/outcome`, outcome);
  }

  /**
   * The outcomes recorded for a proposal, oldest first, with who recorded each.
   *
   * @example
   * ```ts
   * const { items } = await new Loopgate().listOutcomes("p_123");
   * const incidents = items.filter((o) => o.kind === "incident");
   * ```
   */
  listOutcomes(id: string): Promise<OutcomeList> {
    return this.#get(`/v1/proposals/${encodeURIComponent(id)}/outcomes`);
  }

  /**
   * One page of the reviews the caller may decide, oldest due first. Pass `nextCursor` back as `cursor`
   * for the next page.
   *
   * @example
   * ```ts
   * const reviewer = new Loopgate({ apiKey: process.env.REVIEWER_KEY });
   * const { items, nextCursor } = await reviewer.listReviews({ queue: "billing", limit: 20 });
   * ```
   */
  listReviews(query: ListReviewsQuery = {}): Promise<ListPage<ReviewListItem>> {
    return this.#get("/v1/reviews", { ...query });
  }

  /**
   * Claims a review for `leaseSeconds` (default 300) so other reviewers leave it alone.
   *
   * @example
   * ```ts
   * const review = await new Loopgate().claim("r_1", { leaseSeconds: 120 });
   * console.log(review.claim?.expiresAt);
   * ```
   */
  claim(reviewId: string, options: ClaimOptions = {}): Promise<ReviewItem> {
    return this.#post(`/v1/reviews/${encodeURIComponent(reviewId)}/claim`, options);
  }

  /**
   * Claims the next review waiting in your queues (or in `queue`), earliest due first, skipping reviews
   * others hold and reviews you already approved, and returns it with its packet, so working a queue
   * is one request per item. Both are null when nothing can be taken.
   *
   * @example
   * ```ts
   * const reviewer = new Loopgate({ apiKey: process.env.REVIEWER_KEY });
   * const { review, proposal } = await reviewer.claimNext({ queue: "support" });
   * if (review && proposal) await reviewer.decide(review.id, { verdict: "approve", packetHash: proposal.packetHash });
   * ```
   */
  claimNext(options: ClaimNextOptions = {}): Promise<ClaimNextAnswer> {
    return this.#post("/v1/reviews/claim-next", options);
  }

  /**
   * Gives a claimed review back to the queue.
   *
   * @example
   * ```ts
   * await new Loopgate().release("r_1");
   * ```
   */
  release(reviewId: string): Promise<ReviewItem> {
    return this.#post(`/v1/reviews/${encodeURIComponent(reviewId)}/release`, {});
  }

  /**
   * Decides a review: approve, edit (with the edited `payload`), reject, escalate, request_info or
   * handle_manually, with a reason category and comment. `ConflictError` when another reviewer holds the
   * claim or decided first; `GoneError` when the review already expired.
   *
   * @example
   * ```ts
   * await new Loopgate({ apiKey: process.env.REVIEWER_KEY }).decide("r_1", {
   *   verdict: "edit",
   *   payload: { amount: 40, currency: "EUR", customerId: "c_123" },
   *   category: "wrong_amount",
   *   comment: "Only one charge was duplicated",
   * });
   * ```
   */
  decide(reviewId: string, decision: DecideInput): Promise<DecisionResult> {
    return this.#post(`/v1/reviews/${encodeURIComponent(reviewId)}/decisions`, decision);
  }

  /**
   * {@link gate} with this client: propose, wait, run the approved payload, report the result.
   *
   * @example
   * ```ts
   * const { result } = await new Loopgate().gate(
   *   { type: "support.reply", payload: { to: "ada@example.com", body: "Hi" } },
   *   async (reply) => ({ sentTo: reply.to }),
   * );
   * ```
   */
  gate<Payload extends JsonObject, Result>(
    action: GateAction<Payload>,
    run: (payload: Payload, context: GateContext) => Result | Promise<Result>,
    options?: GateOptions,
  ): Promise<GateOutcome<Awaited<Result>>> {
    return gate(this, action, run, options);
  }

  #get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return send<T>(this.#options, { method: "GET", path, query, retry: "safe" });
  }

  #post<T>(path: string, body: unknown): Promise<T> {
    return send<T>(this.#options, { method: "POST", path, body, retry: "refused" });
  }
}

/** A fresh idempotency key: a random UUID from Web Crypto (Node ≥ 19, browsers, edge runtimes). */
function randomKey(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID !== "function") {
    throw new TypeError("crypto.randomUUID is not available here: pass `idempotencyKey` to propose()");
  }
  return crypto.randomUUID();
}
