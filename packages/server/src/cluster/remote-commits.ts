import { type CommitOutcome, fromWireOutcome } from "../store/sqlite-writer-protocol.ts";
import type { Change, CommitResult } from "../store/store.ts";
import { type PackedChanges, packChanges, serialisable } from "../store/writer-docs.ts";
import type { PrimaryMessage, WorkerMessage } from "./cluster-protocol.ts";

interface Pending {
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

/**
 * An HTTP worker's commits, written by the primary process: the embedded store has one writer, so
 * that its group commit can put every worker's changes in one transaction and one fsync, and the
 * audit chain is appended by one process.
 *
 * Every change committed in one turn of the event loop goes to the primary in one message (one
 * write to the IPC pipe, not one per request), and the primary answers with one message too. The
 * changes travel as they do to the writer thread of a single process (writer-docs.ts): one JSON text
 * with each proposal document and response beside it as a string of its own, so the documents the
 * worker serialised are neither escaped on the way nor serialised again by the primary. A promise
 * settles when the primary reports the change committed, after its COMMIT returned, so an
 * acknowledged change is durable as on a single process.
 */
export class RemoteCommits {
  readonly #send: (message: WorkerMessage) => void;
  readonly #inFlight = new Map<number, { change: Change; pending: Pending }[]>();
  #queue: { change: Change; pending: Pending }[] = [];
  #scheduled = false;
  #nextId = 1;
  #failure: Error | null = null;

  constructor(send: (message: WorkerMessage) => void) {
    this.#send = send;
  }

  commit(change: Change): Promise<CommitResult> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#queue.push({ change, pending: { resolve, reject } });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    });
  }

  /** Settles the changes of a `committed` answer. */
  settle(message: Extract<PrimaryMessage, { kind: "committed" }>): void {
    const batch = this.#inFlight.get(message.id);
    if (batch === undefined) return;
    this.#inFlight.delete(message.id);
    batch.forEach(({ change, pending }, i) => {
      const outcome: CommitOutcome | undefined = message.outcomes[i];
      if (outcome === undefined) {
        pending.reject(new Error("the writer did not report this change"));
        return;
      }
      const settled = fromWireOutcome(outcome, change);
      if (settled.ok) pending.resolve(settled.result);
      else pending.reject(settled.error);
    });
  }

  /**
   * Fails every change waiting for an answer, and every later one: the primary is gone. Whether a
   * change in flight was committed is unknown, as after any lost connection to a database.
   */
  failAll(error: Error): void {
    this.#failure = error;
    for (const batch of this.#inFlight.values()) for (const { pending } of batch) pending.reject(error);
    this.#inFlight.clear();
    for (const { pending } of this.#queue) pending.reject(error);
    this.#queue = [];
  }

  /** How many changes wait for the primary's answer. */
  get waiting(): number {
    let count = this.#queue.length;
    for (const batch of this.#inFlight.values()) count += batch.length;
    return count;
  }

  #flush(): void {
    this.#scheduled = false;
    let batch = this.#queue;
    this.#queue = [];
    let packed: PackedChanges;
    try {
      packed = packChanges(batch.map((queued) => queued.change));
    } catch {
      // A change JSON cannot carry (a bigint, a cycle) fails alone; the others go.
      batch = batch.filter(({ change, pending }) => serialisable(change, pending.reject));
      if (batch.length === 0) return;
      try {
        packed = packChanges(batch.map((queued) => queued.change));
      } catch (error) {
        for (const { pending } of batch) pending.reject(error);
        return;
      }
    }
    const id = this.#nextId++;
    this.#inFlight.set(id, batch);
    try {
      this.#send({ kind: "commit", id, ...packed });
    } catch (error) {
      this.#inFlight.delete(id);
      for (const { pending } of batch) pending.reject(error);
    }
  }
}
