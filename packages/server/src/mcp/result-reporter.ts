import type { ResultInput } from "@loopgate/core";
import { type LoopgateClient, LoopgateError, NetworkError } from "@loopgate/sdk";

/** What the gateway reports of a call it forwarded: how it went, in the terms of `POST …/result`. */
export type ForwardedResult = Pick<ResultInput, "status" | "error">;

/** Options of {@link ResultReporter}. */
export interface ResultReporterOptions {
  /** Where a report given up on is noted (never stdout: that is the MCP channel). */
  log: (line: string) => void;
  /**
   * How long no gated call must have started, nor result come in, before the queued reports go out.
   * @defaultValue 20
   */
  quietMs?: number;
  /**
   * Queued reports that go out at once, quiet or not: sent together, Loopgate commits them in a few
   * transactions instead of one each.
   * @defaultValue 32
   */
  maxBatch?: number;
  /**
   * The longest a report waits, whatever happens meanwhile.
   * @defaultValue 1000
   */
  maxDelayMs?: number;
  /**
   * Tries per report when Loopgate cannot be reached or answers 5xx/429.
   * @defaultValue 3
   */
  attempts?: number;
}

interface QueuedReport {
  proposalId: string;
  result: ForwardedResult;
  attempt: number;
}

/**
 * Reports the results of the calls the gateway forwarded, off the path of the calls themselves.
 *
 * By the time a result exists, the call is recorded: its proposal and routing entry were committed
 * durably before the call went upstream, and that is what the gateway waits for. The result report is
 * a second durable write. Sent as soon as the caller has its answer, it would reach Loopgate with the
 * caller's next call, and that call's proposal would share the server with it — its work and its
 * commit — every time. So reports wait for a quiet moment: `quietMs` with no gated call starting. An
 * agent that thinks between tool calls gets its results recorded within milliseconds; a caller that
 * never pauses gets them in batches of `maxBatch` (or after `maxDelayMs`), which Loopgate commits
 * together, so one call in a batch's worth shares the server with them instead of every call.
 * `flush()`/`close()` send what is left.
 *
 * A report lost anyway (Loopgate unreachable through every attempt, the gateway killed) leaves the
 * proposal approved with no execution recorded, which the proposal shows; the call itself is in the
 * audit either way.
 *
 * @example
 * ```ts
 * const reporter = new ResultReporter(loopgate, { log: console.error });
 * reporter.callStarted(); // a gated call is about to be proposed: reports hold back
 * …
 * reporter.report(proposal.id, { status: "succeeded" });
 * await reporter.close();
 * ```
 */
export class ResultReporter {
  readonly #loopgate: LoopgateClient;
  readonly #log: (line: string) => void;
  readonly #quietMs: number;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #attempts: number;
  #queue: QueuedReport[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #quietTimer: NodeJS.Timeout | null = null;
  #deadlineTimer: NodeJS.Timeout | null = null;

  constructor(loopgate: LoopgateClient, options: ResultReporterOptions) {
    this.#loopgate = loopgate;
    this.#log = options.log;
    this.#quietMs = options.quietMs ?? 20;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 32);
    this.#maxDelayMs = options.maxDelayMs ?? 1000;
    this.#attempts = Math.max(1, options.attempts ?? 3);
  }

  /** Reports waiting to be sent (not counting those in flight). */
  get queued(): number {
    return this.#queue.length;
  }

  /** A gated call is about to be proposed: the queued reports hold back until it has passed. */
  callStarted(): void {
    if (this.#queue.length > 0) this.#restartQuietTimer();
  }

  /** Queues the result of a call the gateway forwarded. */
  report(proposalId: string, result: ForwardedResult): void {
    this.#enqueue({ proposalId, result, attempt: 1 });
  }

  /** Sends the queued reports now. */
  sendNow(): void {
    this.#clearTimers();
    for (const report of this.#queue.splice(0, this.#queue.length)) {
      const sending = this.#sendOne(report).finally(() => this.#inFlight.delete(sending));
      this.#inFlight.add(sending);
    }
  }

  /** Sends every queued report now; resolves once each is written or given up on. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight.size > 0) {
      this.sendNow();
      await Promise.all([...this.#inFlight]);
    }
  }

  /** Sends what is queued and stops its timers; for the gateway's shutdown. */
  close(): Promise<void> {
    return this.flush();
  }

  #enqueue(report: QueuedReport): void {
    this.#queue.push(report);
    if (this.#queue.length >= this.#maxBatch) {
      this.sendNow();
      return;
    }
    this.#restartQuietTimer();
    if (this.#deadlineTimer === null) {
      this.#deadlineTimer = setTimeout(() => this.sendNow(), this.#maxDelayMs);
      this.#deadlineTimer.unref();
    }
  }

  #restartQuietTimer(): void {
    if (this.#quietTimer !== null) clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => this.sendNow(), this.#quietMs);
    this.#quietTimer.unref();
  }

  async #sendOne(report: QueuedReport): Promise<void> {
    const body =
      report.result.status === "failed"
        ? { status: "failed" as const, error: report.result.error ?? "the tool answered with an error" }
        : { status: "succeeded" as const };
    try {
      await this.#loopgate.reportResult(report.proposalId, body);
    } catch (error) {
      // A retry after a lost answer finds the first report written: nothing is left to do.
      if (error instanceof LoopgateError && error.code === "already_executed" && report.attempt > 1) return;
      if (retryable(error) && report.attempt < this.#attempts) {
        this.#enqueue({ ...report, attempt: report.attempt + 1 });
        return;
      }
      this.#log(`loopgate: could not report the result of ${report.proposalId}: ${String(error)}`);
    }
  }

  #clearTimers(): void {
    if (this.#quietTimer !== null) clearTimeout(this.#quietTimer);
    if (this.#deadlineTimer !== null) clearTimeout(this.#deadlineTimer);
    this.#quietTimer = null;
    this.#deadlineTimer = null;
  }
}

function retryable(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return (
    error instanceof LoopgateError && error.status !== null && (error.status >= 500 || error.status === 429)
  );
}
