/** The messages between the embedded store (main thread) and its checkpointer worker. */

/** What the worker is started with (`workerData`). */
export interface CheckpointerConfig {
  file: string;
  busyTimeoutMs: number;
}

export type CheckpointerRequest =
  /** Checkpoint now, then report. */
  | { kind: "checkpoint" }
  /** Close the connection and exit. */
  | { kind: "close" };

export type CheckpointerResponse =
  | { kind: "ready" }
  /** One PASSIVE checkpoint ran (see {@link CheckpointProgress}). */
  | ({ kind: "checkpointed" } & CheckpointProgress)
  | { kind: "failed"; message: string };

/** What a checkpoint reports: the WAL's frames, and how many of them are now in the database file. */
export interface CheckpointProgress {
  walFrames: number;
  checkpointedFrames: number;
}
