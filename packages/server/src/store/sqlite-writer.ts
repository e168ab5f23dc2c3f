import { Worker } from "node:worker_threads";
import {
  fromWireOutcome,
  type WriterConfig,
  type WriterRequest,
  type WriterResponse,
} from "./sqlite-writer-protocol.ts";
import type { Change, CommitResult } from "./store.ts";
import { packChanges, serialisable } from "./writer-docs.ts";

interface InFlight {
  /** Echoed by the worker's answer. */
  id: number;
  batch: Pending[];
  /** The worker writing it; null: this thread, and then it is the only batch in flight. */
  worker: Worker | null;
}

interface Pending {
  change: Change;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; result: CommitResult } | { ok: false; error: unknown };

/** Commits a change on the calling thread (the store's own group commit). */
export type CommitHere = (change: Change) => Promise<CommitResult>;

/**
 * Told after each batch the worker wrote, with its number of changes (the checkpointer, see
 * SqliteCheckpointer). Batches written on this thread are not told: this thread's connection
 * checkpoints on its own.
 */
export type OnWritten = (changes: number) => void;

const WORKER_ENTRY = new URL("./sqlite-writer-entry.js", import.meta.url);

/**
 * Batches the worker may hold at once. With one, the worker idles from reporting a batch until the
 * event loop has settled it and sent the next (a whole turn of HTTP work later); with two, the next
 * batch is already waiting when a COMMIT returns, so the writer and the event loop overlap.
 */
const MAX_IN_FLIGHT = 2;

/**
 * The embedded store's commits, written on a worker thread. On the main thread, a COMMIT with
 * `synchronous=FULL` blocks the event loop for its fsync (milliseconds each), and sealing audit
 * entries (canonical JSON and SHA-256) costs CPU there too. The worker does both on another core.
 *
 * Group commit is kept across the thread boundary: one batch is written at a time, and every change
 * queued meanwhile goes in the next batch, which the worker writes in one transaction (see
 * sqlite-writer-worker.ts). A commit's promise settles when the batch is reported, after COMMIT
 * returned, so an acknowledged change is durable.
 *
 * The worker starts with the writer but needs about half a second to load (tsx and core); until it
 * reports ready, batches are written on this thread through `commitHere`, so the first commits of a
 * process (a CLI command, a timer right after start) do not wait for it. Because only one batch is
 * in flight at a time, the two paths never write at once. Should the worker die after it was ready
 * (a bug, out of memory), the batch it held fails, as its outcome is unknown, and a new worker is
 * started; should it fail to start, commits stay on this thread and a warning says why.
 */
export class SqliteWriter {
  readonly #config: WriterConfig;
  readonly #commitHere: CommitHere;
  readonly #onWritten: OnWritten;
  #worker: Worker | null = null;
  #ready = false;
  #queue: Pending[] = [];
  /**
   * The batches being written, oldest first, and by which worker (null: on this thread, then it is
   * the only one). The worker's answers name the batch they settle.
   */
  #inFlight: InFlight[] = [];
  #nextId = 1;
  #scheduled = false;
  #closed = false;
  #closing: Promise<void> | null = null;
  /** Settled once the worker reports ready (true) or fails to start (false). */
  #readyWaiters: ((ready: boolean) => void)[] = [];
  /** Called whenever nothing is queued or in flight; close() waits on it. */
  #onIdle: (() => void) | null = null;

  constructor(config: WriterConfig, commitHere: CommitHere, onWritten: OnWritten = () => {}) {
    this.#config = config;
    this.#commitHere = commitHere;
    this.#onWritten = onWritten;
    this.#startWorker();
  }

  commit(change: Change): Promise<CommitResult> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      this.#schedule();
    });
  }

  /**
   * Resolves true once commits go to the worker thread, false if it could not start (commits then
   * stay on this thread). For tests and benchmarks that must measure the worker's path.
   */
  whenReady(): Promise<boolean> {
    if (this.#ready) return Promise.resolve(true);
    if (this.#worker === null) return Promise.resolve(false);
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  #announceReady(ready: boolean): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const resolve of waiters) resolve(ready);
  }

  /** Refuses new changes, waits for the queued ones to be written, then stops the worker. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#drain().then(() => this.#stopWorker());
    return this.#closing;
  }

  /**
   * Sends the next batch on a later turn: setImmediate lets every commit() issued in this turn, and
   * the continuations of the batch that just settled, join it.
   */
  #schedule(): void {
    if (this.#scheduled || !this.#canSend() || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  /** Whether another batch may go now: the worker takes a few; this thread one, and alone. */
  #canSend(): boolean {
    const last = this.#inFlight.at(-1);
    if (last === undefined) return true;
    return last.worker !== null && last.worker === this.#worker && this.#inFlight.length < MAX_IN_FLIGHT;
  }

  #send(): void {
    if (!this.#canSend()) return;
    if (this.#queue.length === 0) {
      this.#afterBatch();
      return;
    }
    const worker = this.#ready ? this.#worker : null;
    // The thread's own path waits for the worker's batches, so the two never write at once.
    if (worker === null && this.#inFlight.length > 0) return;
    const batch = this.#queue.splice(0, this.#config.maxBatch);
    if (worker === null) {
      const entry: InFlight = { id: this.#nextId++, batch, worker: null };
      this.#inFlight.push(entry);
      // Issued in one turn, so the store's group commit writes them in one transaction.
      void Promise.allSettled(batch.map((p) => this.#commitHere(p.change))).then((settled) =>
        this.#settle(
          entry,
          settled.map((s) =>
            s.status === "fulfilled" ? { ok: true, result: s.value } : { ok: false, error: s.reason },
          ),
        ),
      );
      return;
    }
    const id = this.#nextId++;
    try {
      const request: WriterRequest = { kind: "commit", id, ...packChanges(batch.map((p) => p.change)) };
      worker.postMessage(request);
    } catch (error) {
      // A change JSON cannot carry (a bigint, a cycle) fails alone; the others are sent again.
      const rest = batch.filter((p) => serialisable(p.change, p.reject));
      if (rest.length === batch.length) for (const pending of batch) pending.reject(error);
      else this.#queue.unshift(...rest);
      this.#afterBatch();
      return;
    }
    this.#inFlight.push({ id, batch, worker });
    // Keeps the process alive until the batch is reported, as a pending write on this thread would.
    worker.ref();
    // A second batch may follow at once if more is queued.
    this.#schedule();
  }

  #settle(entry: InFlight, outcomes: readonly Outcome[]): void {
    if (entry.worker !== null) this.#onWritten(entry.batch.length);
    const index = this.#inFlight.indexOf(entry);
    if (index >= 0) this.#inFlight.splice(index, 1);
    const { batch } = entry;
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) pending.reject(new Error("the writer did not report this change"));
      else if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    this.#afterBatch();
  }

  #afterBatch(): void {
    if (this.#queue.length > 0) {
      this.#schedule();
      return;
    }
    if (this.#inFlight.length > 0) return;
    // An idle worker does not keep the process alive, as an open connection on this thread would not.
    this.#worker?.unref();
    this.#onIdle?.();
  }

  async #drain(): Promise<void> {
    while (this.#inFlight.length > 0 || this.#queue.length > 0 || this.#scheduled) {
      await new Promise<void>((resolve) => {
        this.#onIdle = resolve;
      });
    }
    this.#onIdle = null;
  }

  #startWorker(): void {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_ENTRY, { workerData: this.#config });
    } catch (error) {
      // Threads may be refused (resource limits); the store still works, on this thread.
      process.emitWarning(
        `the SQLite writer worker did not start, commits stay on the main thread: ${error}`,
      );
      return;
    }
    worker.unref();
    let failure: Error | null = null;
    worker.on("message", (response: WriterResponse) => {
      if (response.kind === "ready") {
        this.#ready = this.#worker === worker;
        this.#announceReady(this.#ready);
      } else {
        const entry = this.#inFlight.find((e) => e.id === response.id && e.worker === worker);
        if (entry === undefined) return;
        this.#settle(
          entry,
          response.outcomes.map((o, i) => {
            const change = entry.batch[i]?.change;
            return change === undefined
              ? { ok: false, error: new Error("an answer for no change") }
              : fromWireOutcome(o, change);
          }),
        );
      }
    });
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", (code) => {
      if (this.#worker !== worker) return;
      const wasReady = this.#ready;
      this.#worker = null;
      this.#ready = false;
      const lost = this.#inFlight.filter((entry) => entry.worker === worker);
      if (this.#closed && lost.length === 0) return;
      const error = failure ?? new Error(`the SQLite writer worker stopped (exit code ${code})`);
      if (lost.length > 0) {
        this.#inFlight = this.#inFlight.filter((entry) => entry.worker !== worker);
        for (const entry of lost) for (const pending of entry.batch) pending.reject(error);
        this.#afterBatch();
      }
      if (!wasReady) this.#announceReady(false);
      if (this.#closed) return;
      if (wasReady) this.#startWorker();
      else
        process.emitWarning(
          `the SQLite writer worker did not start, commits stay on the main thread: ${error.message}`,
        );
    });
    this.#worker = worker;
  }

  /** Lets a ready worker close its connection cleanly (checkpointing the WAL); a starting one is ended. */
  async #stopWorker(): Promise<void> {
    const worker = this.#worker;
    if (worker === null) return;
    if (!this.#ready) {
      this.#worker = null;
      await worker.terminate();
      return;
    }
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    const request: WriterRequest = { kind: "close" };
    worker.postMessage(request);
    await exited;
  }
}
