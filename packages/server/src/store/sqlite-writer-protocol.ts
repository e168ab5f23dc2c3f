import type { MessagePort } from "node:worker_threads";
import { type AuditEntry, chainedAuditEntry } from "@loopgate/core/commit";
import type { Change, CommitResult } from "./store.ts";
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
}

/**
 * What the worker is given: its config, and the port its answers to batches go on. A port of their
 * own lets the main thread take them early with `receiveMessageOnPort` (see SqliteWriter).
 */
export interface WriterStart extends WriterConfig {
  answers: MessagePort;
  /**
   * One `Int32Array` cell the worker sets to 1 after it posts an answer, so the main thread looks at
   * the port only when there is something on it (see {@link markAnswered}).
   */
  answered: SharedArrayBuffer;
}

/**
 * Sets the `answered` cell after an answer was posted. The main thread clears the cell before it
 * drains the port, so an answer posted at any moment is either drained or leaves the cell set.
 */
export function markAnswered(answered: Int32Array): void {
  Atomics.store(answered, 0, 1);
}

/** Whether an answer was posted since the last look, clearing the mark (the caller then drains the port). */
export function takeAnsweredMark(answered: Int32Array): boolean {
  return Atomics.load(answered, 0) !== 0 && Atomics.exchange(answered, 0, 0) !== 0;
}

export type WriterRequest =
  /**
   * One group-commit batch of at most `maxBatch` changes, written in one transaction: their JSON text,
   * with proposal documents and responses as strings beside it (see writer-docs.ts).
   */
  | ({ kind: "commit"; id: number } & PackedChanges)
  /** Close the connection and exit; sent only when nothing is in flight. */
  | { kind: "close" };

/** On the worker's own channel: sent once, when it has its connection and listens for batches. */
export type WriterResponse = { kind: "ready" };

/** On the answers port: the answer to the commit request of the same `id`, one outcome per change, in order. */
export interface CommittedResponse {
  kind: "committed";
  id: number;
  outcomes: CommitOutcome[];
}

/** One change's outcome as it crosses back: see {@link toWireOutcome}. */
export type CommitOutcome = { ok: true; result: WireCommitResult } | { ok: false; error: WireError };

/**
 * A {@link CommitResult} without its audit entries' content: the sender of a change already holds the
 * drafts, so of each sealed entry only what the commit gave it crosses back — its place in the chain
 * and its hash. That is a few dozen bytes where a structured clone of three sealed entries with their
 * data costs the event loop ~10 µs a proposal to rebuild.
 */
export type WireCommitResult =
  | { ok: true; chained: ChainedAudit; policyVersion?: number }
  | Extract<CommitResult, { ok: false }>;

/** Where a change's audit entries went: the first one's seq and prevHash, and each one's hash. */
export interface ChainedAudit {
  seq: number;
  prevHash: string;
  hashes: string[];
}

/** The outcome of one change for the way back (the writer thread, the primary of a cluster). */
export function toWireOutcome(settled: PromiseSettledResult<CommitResult>): CommitOutcome {
  if (settled.status === "rejected") return { ok: false, error: toWireError(settled.reason) };
  const result = settled.value;
  if (!result.ok) return { ok: true, result };
  const first = result.audit[0];
  const chained: ChainedAudit = {
    seq: first?.seq ?? 0,
    prevHash: first?.prevHash ?? "",
    hashes: result.audit.map((entry) => entry.hash),
  };
  return {
    ok: true,
    result:
      result.policyVersion === undefined
        ? { ok: true, chained }
        : { ok: true, chained, policyVersion: result.policyVersion },
  };
}

/**
 * The outcome {@link toWireOutcome} sent, for the change it answers: the sealed entries are the
 * change's drafts with their place in the chain, as `sealAuditEntry` made them.
 */
export function fromWireOutcome(
  outcome: CommitOutcome,
  change: Change,
): { ok: true; result: CommitResult } | { ok: false; error: Error } {
  if (!outcome.ok) return { ok: false, error: fromWireError(outcome.error) };
  const wire = outcome.result;
  if (!wire.ok) return { ok: true, result: wire };
  const { seq, prevHash, hashes } = wire.chained;
  if (hashes.length !== change.audit.length) {
    return {
      ok: false,
      error: new Error("the writer reported a different number of audit entries than the change holds"),
    };
  }
  const audit: AuditEntry[] = change.audit.map((draft, i) =>
    chainedAuditEntry(draft, seq + i, i === 0 ? prevHash : hashes[i - 1]!, hashes[i]!),
  );
  return {
    ok: true,
    result:
      wire.policyVersion === undefined
        ? { ok: true, audit }
        : { ok: true, audit, policyVersion: wire.policyVersion },
  };
}

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
