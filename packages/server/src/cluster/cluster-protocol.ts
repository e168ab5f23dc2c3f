import type { AppConfig } from "../app/deps.ts";
import type { ChangeEvent } from "../app/events.ts";
import type { CommitOutcome } from "../store/sqlite-writer-protocol.ts";

/**
 * The messages between `loopgate serve --workers N`'s primary process and its HTTP workers, sent over
 * the cluster's IPC channel with `serialization: "advanced"` (structured clone, as between threads).
 * Changes travel as JSON text, as to the SQLite writer thread (see sqlite-writer-protocol.ts).
 */

/** What a worker is started with, in the {@link WORKER_CONFIG_ENV} environment variable as JSON. */
export interface WorkerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  config?: Partial<AppConfig>;
  logLevel?: string;
  /**
   * Whether the worker sends its commits to the primary (the embedded store: one process writes the
   * file) or commits itself (PostgreSQL: every worker is a replica of its own).
   */
  remoteCommits: boolean;
}

export const WORKER_CONFIG_ENV = "LOOPGATE_CLUSTER_WORKER";

export type WorkerMessage =
  /** The worker listens and serves requests. */
  | { kind: "listening"; url: string }
  /** The JSON text of the changes to commit, in order; answered by one `committed` with the same id. */
  | { kind: "commit"; id: number; changes: string }
  /** A change event published in the worker, for the others. */
  | { kind: "event"; event: ChangeEvent };

export type PrimaryMessage =
  | { kind: "committed"; id: number; outcomes: CommitOutcome[] }
  /** A change event from another worker, to publish here. */
  | { kind: "event"; event: ChangeEvent }
  /** Finish the requests in flight, then exit. */
  | { kind: "stop" };
