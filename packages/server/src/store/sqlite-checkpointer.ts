import { Worker } from "node:worker_threads";
import type {
  CheckpointerConfig,
  CheckpointerRequest,
  CheckpointerResponse,
  CheckpointProgress,
} from "./sqlite-checkpointer-protocol.ts";

const WORKER_ENTRY = new URL("./sqlite-checkpointer-entry.js", import.meta.url);

/**
 * How long the checkpointer waits after being told of commits before it checkpoints: under load the
 * WAL then holds the frames of several group commits, and a page each of them wrote (an index's last
 * leaf, a queue's count) is copied into the database file once.
 */
export const CHECKPOINT_DELAY_MS = 25;

/**
 * Copies the embedded store's WAL into its database file on a thread of its own.
 *
 * In WAL mode every commit appends pages to the WAL, and by default the COMMIT that takes the WAL past
 * 1,000 pages also checkpoints it: it fsyncs the WAL, copies the pages into the database file and
 * fsyncs that too, before it returns. On the writer thread that is a stall of several milliseconds every
 * few batches, which every proposal in those batches waits out. SQLite's own advice for a busy writer is
 * to turn the automatic checkpoint off and checkpoint from another thread; this is that thread. Each
 * batch the writer reports calls {@link written}; one PASSIVE checkpoint then runs after
 * {@link CHECKPOINT_DELAY_MS} (never two at once, and a request while one runs makes one more follow
 * it). A PASSIVE checkpoint waits for no reader or writer, and SQLite reuses the WAL only once what it
 * held is fsynced in the database file, so durability is that of a checkpoint on the writer.
 *
 * Should the worker fail to start or stop, the writer's connection checkpoints on its own once the WAL
 * reaches its backstop size (`BACKSTOP_CHECKPOINT_PAGES`), so the WAL stays bounded either way.
 *
 * @example
 * ```ts
 * const checkpointer = new SqliteCheckpointer({ file, busyTimeoutMs: 10_000, delayMs: CHECKPOINT_DELAY_MS });
 * // after each batch the writer committed:
 * checkpointer.written();
 * // on close, after the writer has drained:
 * await checkpointer.close();
 * ```
 */
export class SqliteCheckpointer {
  readonly #config: CheckpointerConfig;
  #worker: Worker | null = null;
  #ready = false;
  /** A checkpoint was requested and has not reported yet. */
  #running = false;
  /** Commits were written since the running checkpoint was requested. */
  #wanted = false;
  #closed = false;
  #closing: Promise<void> | null = null;
  #warned = false;
  #checkpoints = 0;
  #last: CheckpointProgress | null = null;

  constructor(config: CheckpointerConfig) {
    this.#config = config;
    this.#start();
  }

  /** How many checkpoints have run, and what the last one reported (for tests and diagnostics). */
  get progress(): { checkpoints: number; last: CheckpointProgress | null } {
    return { checkpoints: this.#checkpoints, last: this.#last };
  }

  /** Says commits were written: a checkpoint follows (or follows the one running). */
  written(): void {
    if (this.#closed) return;
    this.#wanted = true;
    this.#request();
  }

  /** Stops the worker; call it after the writer has drained. Closing the last connection checkpoints. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= this.#stop();
    return this.#closing;
  }

  #request(): void {
    const worker = this.#worker;
    if (worker === null || !this.#ready || this.#running || !this.#wanted) return;
    this.#wanted = false;
    this.#running = true;
    worker.postMessage({ kind: "checkpoint" } satisfies CheckpointerRequest);
  }

  #start(): void {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_ENTRY, { workerData: this.#config });
    } catch (error) {
      this.#warn(`the SQLite checkpointer did not start, the writer checkpoints on its own: ${error}`);
      return;
    }
    // An idle checkpointer never keeps the process alive; a checkpoint cut short is finished by the next.
    worker.unref();
    worker.on("message", (response: CheckpointerResponse) => {
      if (response.kind === "ready") {
        this.#ready = true;
      } else {
        this.#running = false;
        if (response.kind === "checkpointed") {
          this.#checkpoints += 1;
          this.#last = { walFrames: response.walFrames, checkpointedFrames: response.checkpointedFrames };
        } else {
          this.#warn(`a WAL checkpoint failed (the next commit tries again): ${response.message}`);
          this.#wanted = true;
        }
      }
      this.#request();
    });
    worker.on("error", (error) => {
      this.#warn(`the SQLite checkpointer stopped, the writer checkpoints on its own: ${error.message}`);
    });
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
