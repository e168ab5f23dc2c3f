import type { CommitResult } from "./store.ts";
import type { PackedChanges } from "./writer-docs.ts";

/**
 * The messages between the embedded store (main thread) and its writer worker. Changes cross as one
 * JSON text per batch: they are JSON data (rows and audit drafts, stored as JSON and canonical JSON),
 * and serialising them with JSON.stringify and passing one string costs the event loop about half of
 * what a structured clone of the objects does; proposal documents and responses go beside it as
 * strings of their own (writer-docs.ts). Results come back by structured clone (plain data),
 * and errors travel as {@link WireError} because a clone of an Error drops fields such as `code`.
 */

/** What the worker is started with (`workerData`). */
export interface WriterConfig {
  file: string;
  busyTimeoutMs: number;
  workspaceId: string;
  maxBatch: number;
  /** A checkpointer thread copies the WAL into the database file (see SqliteCheckpointer). */
  checkpointedElsewhere: boolean;
}

export type WriterRequest =
  /**
   * One group-commit batch of at most `maxBatch` changes, written in one transaction: their JSON text,
   * with proposal documents and responses as strings beside it (see writer-docs.ts).
   */
  | ({ kind: "commit"; id: number } & PackedChanges)
  /** Close the connection and exit; sent only when nothing is in flight. */
  | { kind: "close" };

export type WriterResponse =
  /** Sent once, when the worker has its connection and listens: batches may go to it from now on. */
  | { kind: "ready" }
  /** The answer to the commit request of the same `id`: one outcome per change, in order. */
  | { kind: "committed"; id: number; outcomes: CommitOutcome[] };

export type CommitOutcome = { ok: true; result: CommitResult } | { ok: false; error: WireError };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** e.g. better-sqlite3's `SQLITE_BUSY`, kept so callers can still tell errors apart. */
  code?: string;
}

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const wire: WireError = { name: error.name, message: error.message };
  if (error.stack !== undefined) wire.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") wire.code = code;
  return wire;
}

export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message) as Error & { code?: string };
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.code !== undefined) error.code = wire.code;
  return error;
}
