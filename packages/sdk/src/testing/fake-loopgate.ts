import {
  ConflictError,
  DecisionTimeoutError,
  InvalidInputError,
  type LoopgateErrorInit,
  NotFoundError,
  UnprocessableError,
} from "../errors.ts";
import { type GateAction, type GateContext, type GateOptions, type GateOutcome, gate } from "../gate.ts";
import type { LoopgateClient } from "../loopgate-client.ts";
import { assertNever, isSettled } from "../proposal-status.ts";
import {
  type ClaimOptions,
  DEFAULT_WAIT_MS,
  type DecideInput,
  type DecisionResult,
  type JsonObject,
  type ListPage,
  type ListReviewsQuery,
  type Proposal,
  type ProposeInput,
  type ProposeOptions,
  type ProvideInfoInput,
  type ResultReport,
  type ReviewItem,
  type WaitOptions,
} from "../types.ts";
import { mergePatch, newProposal, newReview, packetHash, reviewSummary, route } from "./fake-proposal.ts";
import { type FakeLoopgateOptions, type FakeVerdict, pickRule } from "./fake-rules.ts";

/** A result reported to the fake, as recorded for assertions. */
export interface RecordedResult extends ResultReport {
  proposalId: string;
  at: string;
}

/** The reviewer the fake's rules decide as. */
const FAKE_REVIEWER = Object.freeze({ id: "fake-reviewer", name: "Fake Reviewer" });

/** setTimeout's longest delay (2^31 − 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

interface Entry {
  proposal: Proposal;
  review: ReviewItem | null;
  /** A reviewer's verdict from a rule, landing at `at` (epoch ms). */
  planned: { outcome: FakeVerdict; at: number } | null;
}

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
  readonly #options: FakeLoopgateOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #reviews = new Map<string, ReviewItem>();
  readonly #idempotency = new Map<string, { body: string; response: Proposal }>();
  readonly #waiters = new Set<() => void>();
  readonly #results: RecordedResult[] = [];
  #nextId = 1;

  constructor(options: FakeLoopgateOptions = {}) {
    this.#options = options;
  }

  /** Every proposal made, in order, as it stands now. */
  get proposals(): Proposal[] {
    return [...this.#entries.values()].map((entry) => clone(this.#settle(entry).proposal));
  }

  /** Every result reported, in order. */
  get results(): RecordedResult[] {
    return this.#results.map(clone);
  }

  propose(input: ProposeInput, options: ProposeOptions = {}): Promise<Proposal> {
    return this.#run(() => {
      if (typeof input?.action?.type !== "string" || input.action.type === "") {
        throw this.#error(InvalidInputError, 400, "invalid_input", "action.type is required", {
          issues: [{ path: "action.type", message: "required" }],
        });
      }
      const key = options.idempotencyKey;
      const body = canonicalJson(input);
      if (key !== undefined) {
        const earlier = this.#idempotency.get(key);
        if (earlier && earlier.body !== body) {
          throw this.#error(
            UnprocessableError,
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different body; use a new key for a new proposal",
          );
        }
        if (earlier) return earlier.response;
      }
      const proposal = newProposal(this.#id("p"), this.#options.agent ?? "fake-agent", input, this.#now());
      const entry: Entry = { proposal, review: null, planned: null };
      this.#entries.set(proposal.id, entry);
      this.#route(entry);
      if (key !== undefined) this.#idempotency.set(key, { body, response: clone(entry.proposal) });
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
      if (now >= deadline) throw new DecisionTimeoutError(clone(entry.proposal), timeoutMs);
      const wake = Math.min(deadline, entry.planned?.at ?? Number.POSITIVE_INFINITY);
      await this.#nextChange(wake - now, options.signal);
    }
  }

  provideInfo(id: string, info: ProvideInfoInput): Promise<Proposal> {
    return this.#run(() => {
      const entry = this.#entry(id);
      const p = entry.proposal;
      if (p.status !== "needs_info")
        throw this.#conflict("not_waiting_for_info", `proposal ${id} is ${p.status}, not needs_info`, p);
      p.revision += 1;
      p.packetHash = packetHash(p.id, p.revision);
      if (info.action) p.action = { type: info.action.type, payload: info.action.payload ?? {} };
      p.evidence.push(...(info.evidence ?? []));
      p.toolCalls.push(...(info.toolCalls ?? []));
      if (info.context) p.context = { ...p.context, ...info.context };
      p.info.push({ at: this.#now(), message: info.message ?? null });
      this.#route(entry);
      return p;
    });
  }

  cancel(id: string): Promise<Proposal> {
    return this.#run(() => {
      const entry = this.#entry(id);
      if (isSettled(entry.proposal.status) && entry.proposal.status !== "needs_info") {
        throw this.#conflict(
          "not_pending",
          `proposal ${id} is already ${entry.proposal.status}`,
          entry.proposal,
        );
      }
      this.#closeReview(entry, "cancelled");
      entry.planned = null;
      entry.proposal.status = "cancelled";
      return entry.proposal;
    });
  }

  reportResult(id: string, result: ResultReport): Promise<Proposal> {
    return this.#run(() => {
      const { proposal } = this.#entry(id);
      const approved = ["approved", "approved_with_edits", "auto_approved"].includes(proposal.status);
      if (!approved || proposal.execution.status !== "not_started") {
        throw this.#conflict(
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
      this.#results.push({ ...clone(result), proposalId: id, at: this.#now() });
      return proposal;
    });
  }

  listReviews(query: ListReviewsQuery = {}): Promise<ListPage<ReviewItem>> {
    return this.#run(() => {
      for (const entry of this.#entries.values()) this.#settle(entry);
      const matching = [...this.#reviews.values()]
        .filter((r) =>
          query.status ? r.status === query.status : r.status === "pending" || r.status === "escalated",
        )
        .filter((r) => query.queue === undefined || r.queue === query.queue)
        .filter((r) => query.actionType === undefined || r.actionType === query.actionType)
        .filter((r) => query.agent === undefined || r.agent === query.agent)
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
      const start = query.cursor === undefined ? 0 : Number(query.cursor);
      const end = start + (query.limit ?? 50);
      return { items: matching.slice(start, end), nextCursor: end < matching.length ? String(end) : null };
    });
  }

  claim(reviewId: string, options: ClaimOptions = {}): Promise<ReviewItem> {
    return this.#run(() => {
      const review = this.#openReview(reviewId);
      const expiresAt = new Date(Date.now() + (options.leaseSeconds ?? 300) * 1000).toISOString();
      review.claim = { by: { ...FAKE_REVIEWER }, expiresAt };
      return review;
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
      return this.#decide(entry, decision);
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
    this.#notify();
    return clone(value);
  }

  /** Routes a proposal (or its new revision) by the first matching rule. */
  #route(entry: Entry): void {
    const p = entry.proposal;
    const { name, outcome } = pickRule(this.#options, p);
    const message =
      ("message" in outcome ? outcome.message : undefined) ?? `fake rule ${name}: ${outcome.verdict}`;
    entry.planned = null;
    switch (outcome.verdict) {
      case "auto":
        p.route = route("auto", name, message, "threshold");
        p.status = "auto_approved";
        p.finalPayload = p.action.payload;
        return;
      case "block":
        p.route = route("block", name, message, "review_all");
        p.status = "blocked";
        return;
      case "needs_info":
        p.route = route("needs_info", name, message, "review_all");
        p.status = "needs_info";
        return;
      default:
        p.route = route("review", name, message, "review_all");
        p.status = "pending_review";
        this.#openNewReview(entry, 0);
        if (outcome.verdict !== "review")
          entry.planned = { outcome, at: Date.now() + (outcome.afterMs ?? 0) };
        this.#settle(entry);
    }
  }

  /** Lands a planned verdict whose time has come. */
  #settle(entry: Entry): Entry {
    const planned = entry.planned;
    if (planned === null || Date.now() < planned.at || entry.review === null) return entry;
    entry.planned = null;
    const outcome = planned.outcome;
    switch (outcome.verdict) {
      case "expire":
        this.#closeReview(entry, "expired");
        entry.proposal.status = "expired";
        break;
      case "edit": {
        const { payload } = entry.proposal.action;
        const edited =
          typeof outcome.payload === "function" ? outcome.payload(clone(payload)) : outcome.payload;
        this.#decide(entry, {
          verdict: "edit",
          payload: edited,
          category: outcome.category,
          comment: outcome.comment,
        });
        break;
      }
      case "approve":
      case "reject":
      case "request_info":
      case "handle_manually":
        this.#decide(entry, {
          verdict: outcome.verdict,
          category: "category" in outcome ? outcome.category : undefined,
          comment: outcome.comment,
        });
        break;
      default:
        break;
    }
    this.#touch(entry);
    this.#notify();
    return entry;
  }

  #decide(entry: Entry, input: DecideInput): DecisionResult {
    const review = entry.review;
    const p = entry.proposal;
    if (review === null) throw this.#conflict("already_decided", `proposal ${p.id} has no open review`, p);
    if (input.packetHash !== undefined && input.packetHash !== p.packetHash) {
      throw this.#conflict(
        "stale_packet",
        `the packet of proposal ${p.id} changed since it was shown; reload it`,
        p,
      );
    }
    const payload =
      input.verdict !== "edit" ? null : (input.payload ?? mergePatch(p.action.payload, input.patch ?? {}));
    const decision = {
      id: this.#id("d"),
      reviewId: review.id,
      proposalId: p.id,
      verdict: input.verdict,
      by: { ...FAKE_REVIEWER },
      at: this.#now(),
      category: input.category ?? null,
      comment: input.comment ?? null,
      packetHash: input.packetHash ?? null,
      payload,
    };
    const { proposalId: _, ...view } = decision;
    p.decisions.push(view);
    switch (input.verdict) {
      case "approve":
      case "edit":
        review.approvalsGiven += 1;
        review.approvers.push({ ...FAKE_REVIEWER, at: decision.at });
        p.status = input.verdict === "edit" ? "approved_with_edits" : "approved";
        p.finalPayload = payload ?? p.action.payload;
        this.#closeReview(entry, "decided");
        break;
      case "reject":
        p.status = "rejected";
        this.#closeReview(entry, "decided");
        break;
      case "request_info":
        p.status = "needs_info";
        this.#closeReview(entry, "decided");
        break;
      case "handle_manually":
        p.status = "handled_manually";
        this.#closeReview(entry, "decided");
        break;
      case "escalate":
        this.#closeReview(entry, "decided");
        this.#openNewReview(entry, review.level + 1);
        p.status = "escalated";
        break;
      default:
        assertNever(input.verdict);
    }
    this.#touch(entry);
    return {
      decision,
      proposalStatus: p.status,
      reviewStatus: review.status,
      approvalsGiven: review.approvalsGiven,
      approvalsRequired: review.approvalsRequired,
    };
  }

  #openNewReview(entry: Entry, level: number): void {
    const review = newReview(this.#id("r"), entry.proposal, level, Date.now());
    this.#reviews.set(review.id, review);
    entry.review = review;
    entry.proposal.reviews.push(reviewSummary(review));
    entry.proposal.review = reviewSummary(review);
  }

  #closeReview(entry: Entry, status: "decided" | "expired" | "cancelled"): void {
    if (entry.review === null) return;
    entry.review.status = status;
    entry.review.claim = null;
    const summary = reviewSummary(entry.review);
    const p = entry.proposal;
    p.reviews = p.reviews.map((r) => (r.id === summary.id ? summary : r));
    p.review = summary;
    entry.review = null;
  }

  #touch(entry: Entry): void {
    entry.proposal.updatedAt = this.#now();
  }

  #entry(id: string): Entry {
    const entry = this.#entries.get(id);
    if (!entry) throw this.#error(NotFoundError, 404, "proposal_not_found", `no proposal ${id}`);
    return this.#settle(entry);
  }

  #openReview(reviewId: string): ReviewItem {
    const review = this.#reviews.get(reviewId);
    if (!review) throw this.#error(NotFoundError, 404, "review_not_found", `no review ${reviewId}`);
    const entry = this.#entry(review.proposalId);
    if (entry.review?.id !== reviewId) {
      throw this.#conflict("already_decided", `review ${reviewId} is ${review.status}`, entry.proposal);
    }
    return review;
  }

  /** Resolves on the next change to any proposal, or after `ms`; rejects when `signal` aborts. */
  #nextChange(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      this.#waiters.add(done);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** A 409 whose details carry the winning state: where the proposal stands and its last decision. */
  #conflict(code: string, message: string, winner: Proposal): ConflictError {
    const decision = winner.decisions.at(-1) ?? null;
    return this.#error(ConflictError, 409, code, message, { status: winner.status, decision });
  }

  #error<E>(
    Type: new (init: LoopgateErrorInit) => E,
    status: number,
    code: string,
    message: string,
    details?: unknown,
  ): E {
    return new Type({ status, code, message, details, requestId: this.#id("req") });
  }

  #id(prefix: string): string {
    return `${prefix}_${this.#nextId++}`;
  }

  #now(): string {
    return new Date().toISOString();
  }
}

/**
 * Makes an in-memory {@link FakeLoopgate} that decides by `rules` (first match wins, else `default`, else
 * approve). Records every proposal (`fake.proposals`) and reported result (`fake.results`).
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

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** JSON with object keys sorted, so two bodies that differ only in key order count as the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
