import type { AppConfig } from "../app/deps.ts";
import type { ChangeEvent } from "../app/events.ts";
import type { CommitOutcome } from "../store/sqlite-writer-protocol.ts";
import type { PackedChanges } from "../store/writer-docs.ts";

/**
 * The messages between `loopgate serve --workers N`'s primary process and its HTTP workers, sent over
 * the cluster's IPC channel with `serialization: "advanced"` (structured clone, as between threads).
 * Changes travel packed as to the SQLite writer thread (see writer-docs.ts), and change events in
 * batches: one message per turn of the sender's event loop, not one per event.
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
  /** The changes to commit, in order, packed; answered by one `committed` with the same id. */
  | ({ kind: "commit"; id: number } & PackedChanges)
  /** The change events published in the worker in one turn, in order, for the others. */
  | { kind: "events"; events: ChangeEvent[] };

export type PrimaryMessage =
  | { kind: "committed"; id: number; outcomes: CommitOutcome[] }
  /** Change events from another worker, in order, to publish here. */
  | { kind: "events"; events: ChangeEvent[] }
  /** Finish the requests in flight, then exit. */
  | { kind: "stop" };
