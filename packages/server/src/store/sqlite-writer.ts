import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import {
  type CommittedResponse,
  fromWireOutcome,
  takeAnsweredMark,
  type WriterConfig,
  type WriterRequest,
  type WriterResponse,
  type WriterStart,
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
 * Batches the worker holds at once. One: the next batch goes when the last is answered, so each
 * transaction takes everything queued meanwhile (fewer, larger commits). The worker does not wait for
 * the event loop to get round to its answer, which is what a second batch in flight used to cover:
 * answers come on a port of their own, which every commit() looks at first (see #takeAnswers), so
 * under load the next batch goes within one request's handling of the COMMIT.
 */
const MAX_IN_FLIGHT = 1;

/**
 * Changes queued that send a batch at once, when the worker is free, instead of at the end of the
 * event loop's turn. A busy turn handles dozens of requests (several milliseconds), and holding their
 * changes to its end left the worker idle meanwhile; sending each change as it comes would make a
 * transaction of every one. Fewer than this go at the end of the turn. Measured in docs/benchmarks.md.
 */
const SEND_AT = 12;

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
  /** The worker's answers to batches (a port of their own, so this thread can look at them early). */
  #answers: MessagePort | null = null;
  /** Set by the worker when it posted an answer: the port is looked at only then (`receiveMessageOnPort` costs µs). */
  #answered: Int32Array | null = null;
  /** A batch is to go at the end of this turn (setImmediate). */
  #scheduled = false;
  /** A batch is to go after the current task's microtasks (SEND_AT changes are queued). */
  #soon = false;
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
    this.#takeAnswers();
    return new Promise((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      this.#schedule();
    });
  }

  /**
   * Settles the batches the worker answered since this thread last looked. Its answers also arrive as
   * messages, but only when the event loop gets to them: under load that is after the turn's other
   * requests, milliseconds in which the worker would sit idle, waiting for the next batch.
   *
   * Every commit() looks, so the port is read only when the worker marked an answer posted: an empty
   * `receiveMessageOnPort` costs microseconds, once a proposal. `unmarked` drains it regardless (the
   * worker stopped, perhaps between posting and marking).
   */
  #takeAnswers(unmarked = false): void {
    const answers = this.#answers;
    const worker = this.#worker;
    if (answers === null || worker === null || this.#inFlight.length === 0) return;
    if (!unmarked && this.#answered !== null && !takeAnsweredMark(this.#answered)) return;
    for (
      let taken = receiveMessageOnPort(answers);
      taken !== undefined;
      taken = receiveMessageOnPort(answers)
    ) {
      this.#answer(worker, taken.message as CommittedResponse);
    }
  }

  /** Settles the batch an answer names, if it is still in flight from that worker. */
  #answer(worker: Worker, response: CommittedResponse): void {
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

  /**
   * Resolves true once commits go to the worker thread, false if it could not start (commits then
   * stay on this thread). For tests and benchmarks that must measure the worker's path.
   */
  whenReady(): Promise<boolean> {
    if (this.#ready) return Promise.resolve(true);
    if (this.#worker === null) return Promise.resolve(false);
    // Someone waits for it: until it is ready the starting worker keeps the process alive.
    this.#worker.ref();
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
   * Sends the next batch when the worker is free: once {@link SEND_AT} changes are queued, after the
   * current task (so the rest of a request's changes join); otherwise at the end of this turn, so
   * every commit() issued in it, and the continuations of the batch that just settled, join it.
   */
  #schedule(): void {
    if (!this.#canSend() || this.#queue.length === 0) return;
    if (this.#queue.length >= SEND_AT && this.#ready) {
      if (this.#soon) return;
      this.#soon = true;
      queueMicrotask(() => {
        this.#soon = false;
        this.#send();
      });
      return;
    }
    if (this.#scheduled) return;
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
    while (this.#inFlight.length > 0 || this.#queue.length > 0 || this.#scheduled || this.#soon) {
      await new Promise<void>((resolve) => {
        this.#onIdle = resolve;
      });
    }
    this.#onIdle = null;
  }

  #startWorker(): void {
    let worker: Worker;
    const answers = new MessageChannel();
    try {
      const answered = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
      const start: WriterStart = { ...this.#config, answers: answers.port2, answered };
      this.#answered = new Int32Array(answered);
      worker = new Worker(WORKER_ENTRY, { workerData: start, transferList: [answers.port2] });
    } catch (error) {
      // Threads may be refused (resource limits); the store still works, on this thread.
      process.emitWarning(
        `the SQLite writer worker did not start, commits stay on the main thread: ${error}`,
      );
      answers.port1.close();
      return;
    }
    answers.port1.on("message", (response: CommittedResponse) => this.#answer(worker, response));
    let failure: Error | null = null;
    worker.on("message", (response: WriterResponse) => {
      if (response.kind === "ready") {
        this.#ready = this.#worker === worker;
        this.#announceReady(this.#ready);
        if (this.#inFlight.length === 0 && this.#queue.length === 0) worker.unref();
      }
    });
    // After the listeners, which ref their ports: an idle writer keeps nothing alive. The worker's
    // ref, taken while a batch is in flight (or while someone waits for it to be ready), keeps the
    // process alive for the answer.
    worker.unref();
    answers.port1.unref();
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", (code) => {
      if (this.#worker !== worker) return;
      // Answers it sent before it stopped still count: those batches were committed (marked or not).
      this.#takeAnswers(true);
      answers.port1.close();
      this.#answers = null;
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
    this.#answers = answers.port1;
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
