import { Worker } from "node:worker_threads";
import type {
  CheckpointerConfig,
  CheckpointerRequest,
  CheckpointerResponse,
  CheckpointProgress,
} from "./sqlite-checkpointer-protocol.ts";

const WORKER_ENTRY = new URL("./sqlite-checkpointer-entry.js", import.meta.url);

/**
 * When the checkpointer runs: as soon as `afterChanges` changes were written since the last checkpoint,
 * or `maxDelayMs` after the first of fewer. Under a propose load (a few thousand changes a second, ~5
 * pages each) that is a checkpoint every few dozen ms of a few hundred pages: small enough that its
 * fsync of the database file does not hold up the writer's fsyncs for long. Under many small commits
 * (claims and decisions) it is a few a second rather than one per commit batch, each copying once a
 * page those commits wrote many times.
 */
export interface CheckpointPolicy {
  afterChanges: number;
  maxDelayMs: number;
}

export const CHECKPOINT_POLICY: CheckpointPolicy = { afterChanges: 100, maxDelayMs: 200 };

/**
 * Copies the embedded store's WAL into its database file on a thread of its own.
 *
 * In WAL mode every commit appends pages to the WAL, and by default the COMMIT that takes the WAL past
 * 1,000 pages also checkpoints it: it fsyncs the WAL, copies the pages into the database file and
 * fsyncs that too, before it returns. On the writer thread that is a stall of several milliseconds every
 * few batches, which every proposal in those batches waits out. SQLite's own advice for a busy writer is
 * to turn the automatic checkpoint off and checkpoint from another thread; this is that thread. Each
 * batch the writer reports calls {@link written} with its number of changes, and a PASSIVE checkpoint
 * runs as the {@link CheckpointPolicy} says (never two at once). A PASSIVE checkpoint waits for no
 * reader or writer, and SQLite reuses the WAL only once what it held is fsynced in the database file,
 * so durability is that of a checkpoint on the writer.
 *
 * Should the worker fail to start or stop, the writer's connection checkpoints on its own once the WAL
 * reaches its backstop size (`BACKSTOP_CHECKPOINT_PAGES`), so the WAL stays bounded either way.
 *
 * @example
 * ```ts
 * const checkpointer = new SqliteCheckpointer({ file, busyTimeoutMs: 10_000 });
 * // after each batch the writer thread committed (the first starts the worker):
 * checkpointer.written(batch.length);
 * // on close, after the writer has drained:
 * await checkpointer.close();
 * ```
 */
export class SqliteCheckpointer {
  readonly #config: CheckpointerConfig;
  readonly #policy: CheckpointPolicy;
  #worker: Worker | null = null;
  /** Whether a worker was ever started (one that stopped after it was ready is started again). */
  #started = false;
  #ready = false;
  /** A checkpoint was requested and has not reported yet. */
  #running = false;
  /** Changes written since the last checkpoint was requested. */
  #pending = 0;
  /** Runs a checkpoint for fewer than `afterChanges` pending changes, once `maxDelayMs` has passed. */
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #closing: Promise<void> | null = null;
  #warned = false;
  #checkpoints = 0;
  #last: CheckpointProgress | null = null;

  /**
   * The worker starts with the first changes {@link written}: a process whose commits never reach the
   * writer thread (a CLI command, done before that thread is up) starts no checkpointer at all.
   */
  constructor(config: CheckpointerConfig, policy: CheckpointPolicy = CHECKPOINT_POLICY) {
    this.#config = config;
    this.#policy = policy;
  }

  /** How many checkpoints have run, and what the last one reported (for tests and diagnostics). */
  get progress(): { checkpoints: number; last: CheckpointProgress | null } {
    return { checkpoints: this.#checkpoints, last: this.#last };
  }

  /** Says `changes` changes were committed: a checkpoint follows as the policy says. */
  written(changes: number): void {
    if (this.#closed) return;
    this.#pending += changes;
    if (!this.#started) this.#start();
    this.#consider();
  }

  /** Stops the worker; call it after the writer has drained. Closing the last connection checkpoints. */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#closing ??= this.#stop();
    return this.#closing;
  }

  /** Checkpoints now if enough is pending, else makes sure one runs within the delay. */
  #consider(): void {
    if (this.#closed || this.#pending === 0 || this.#running) return;
    if (this.#pending >= this.#policy.afterChanges) {
      this.#request();
      return;
    }
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#request();
    }, this.#policy.maxDelayMs);
    // A pending checkpoint never keeps the process alive; closing the last connection checkpoints.
    this.#timer.unref();
  }

  #request(): void {
    const worker = this.#worker;
    // Not ready yet (or restarting): the pending changes wait for its "ready" message.
    if (worker === null || !this.#ready || this.#running || this.#pending === 0) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = 0;
    this.#running = true;
    worker.postMessage({ kind: "checkpoint" } satisfies CheckpointerRequest);
  }

  #start(): void {
    this.#started = true;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_ENTRY, { workerData: this.#config });
    } catch (error) {
      this.#warn(`the SQLite checkpointer did not start, the writer checkpoints on its own: ${error}`);
      return;
    }
    worker.on("message", (response: CheckpointerResponse) => {
      if (response.kind === "ready") {
        this.#ready = true;
        // Changes written before it was ready are checkpointed now, whatever their number.
        this.#request();
        return;
      }
      this.#running = false;
      if (response.kind === "checkpointed") {
        this.#checkpoints += 1;
        this.#last = { walFrames: response.walFrames, checkpointedFrames: response.checkpointedFrames };
      } else {
        this.#warn(`a WAL checkpoint failed (the next one tries again): ${response.message}`);
      }
      this.#consider();
    });
    worker.on("error", (error) => {
      this.#warn(`the SQLite checkpointer stopped, the writer checkpoints on its own: ${error.message}`);
    });
    // After the listeners, which ref the worker's port: an idle checkpointer never keeps the process
    // alive; a checkpoint cut short is finished by the next.
    worker.unref();
    worker.on("exit", () => {
      if (this.#worker !== worker) return;
      const wasReady = this.#ready;
      this.#worker = null;
      this.#ready = false;
      this.#running = false;
      // A worker that was working is started again; one that never started is not retried.
      if (!this.#closed && wasReady) this.#start();
    });
    this.#worker = worker;
  }

  async #stop(): Promise<void> {
    const worker = this.#worker;
    if (worker === null) return;
    this.#worker = null;
    if (!this.#ready) {
      await worker.terminate();
      return;
    }
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    worker.postMessage({ kind: "close" } satisfies CheckpointerRequest);
    await exited;
  }

  /** One warning per checkpointer: the backstop keeps the WAL bounded, so repeating it says nothing new. */
  #warn(message: string): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(message);
  }
}
