import { ConflictError, type LoopgateErrorInit } from "../errors.ts";
import type { Outcome, Proposal, ResultReport, ReviewItem } from "../types.ts";
import type { FakeLoopgateOptions, FakeVerdict } from "./fake-rules.ts";

/** A result reported to the fake, as recorded for assertions. */
export interface RecordedResult extends ResultReport {
  proposalId: string;
  at: string;
}

/** One proposal the fake holds: the proposal as the API shows it, its open review, its planned verdict. */
export interface Entry {
  proposal: Proposal;
  review: ReviewItem | null;
  /** A reviewer's verdict from a rule, landing at `at` (epoch ms). */
  planned: { outcome: FakeVerdict; at: number } | null;
}

/** setTimeout's longest delay (2^31 − 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Everything the fake holds, and the small services its parts share: ids, the clock, errors shaped as the
 * server's, and the wake-up of waiters when something changes. The decision, review and outcome logic
 * live in their own files and work on this.
 */
export class FakeState {
  readonly options: FakeLoopgateOptions;
  readonly entries: Map<string, Entry> = new Map();
  readonly reviews: Map<string, ReviewItem> = new Map();
  readonly idempotency: Map<string, { body: string; response: Proposal }> = new Map();
  readonly results: RecordedResult[] = [];
  readonly outcomes: Outcome[] = [];
  readonly #waiters = new Set<() => void>();
  #nextId = 1;

  constructor(options: FakeLoopgateOptions) {
    this.options = options;
  }

  /** The agent the fake's proposals (and the outcomes it records) are by. */
  get agent(): string {
    return this.options.agent ?? "fake-agent";
  }

  id(prefix: string): string {
    return `${prefix}_${this.#nextId++}`;
  }

  now(): string {
    return new Date().toISOString();
  }

  /** An error as the HTTP client would throw it for the server's answer, with a fresh request id. */
  error<E>(
    Type: new (init: LoopgateErrorInit) => E,
    status: number,
    code: string,
    message: string,
    details?: unknown,
  ): E {
    return new Type({ status, code, message, details, requestId: this.id("req") });
  }

  /** A 409 whose details carry the winning state: where the proposal stands and its last decision. */
  conflict(code: string, message: string, winner: Proposal): ConflictError {
    const decision = winner.decisions.at(-1) ?? null;
    return this.error(ConflictError, 409, code, message, { status: winner.status, decision });
  }

  /** Resolves on the next change to any proposal, or after `ms`; rejects when `signal` aborts. */
  nextChange(ms: number, signal: AbortSignal | undefined): Promise<void> {
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

  /** Wakes every waiter, so each looks again at the proposal it waits for. */
  notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/** A deep copy, so callers cannot change the fake's state through what it hands out. */
export function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** JSON with object keys sorted, so two bodies that differ only in key order count as the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
