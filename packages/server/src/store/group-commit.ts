import { type AuditEntry, GENESIS_HASH } from "@loopgate/core";
import { applyChange, insertAudit } from "./apply-change.ts";
import type { BatchTransaction, ChainHead } from "./sql-runner.ts";
import type { Change, CommitResult } from "./store.ts";

interface Pending {
  change: Change;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  workspaceId: string;
  /** Opens the transaction for one batch (the engine decides how to lock the chain head). */
  begin: (changes: readonly Change[]) => Promise<BatchTransaction>;
  /** Most changes in one transaction; more wait for the next one. */
  maxBatch: number;
}

/**
 * Group commit: {@link commit} queues a change, and one writer applies everything queued since the
 * last transaction in a single transaction, each change inside its own savepoint. A change that
 * conflicts or fails is rolled back alone; the others commit together, and every caller hears back
 * only after the COMMIT returned, so an acknowledged change is durable. One fsync then pays for many
 * changes, and the chain head is read (and locked) once per batch instead of once per change.
 */
export class GroupCommit {
  readonly #options: GroupCommitOptions;
  #queue: Pending[] = [];
  #writer: Promise<void> | null = null;
  #closed = false;

  constructor(options: GroupCommitOptions) {
    this.#options = options;
  }

  commit(change: Change): Promise<CommitResult> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ change, resolve, reject });
      this.#startWriter();
    });
  }

  /** Refuses new changes and waits for the queued ones to be written. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#writer !== null) await this.#writer;
  }

  #startWriter(): void {
    if (this.#writer !== null) return;
    // setImmediate lets every commit() issued in this turn of the event loop join the first batch.
    this.#writer = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .finally(() => {
        this.#writer = null;
        if (this.#queue.length > 0) this.#startWriter();
      });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#options.maxBatch);
      await this.#write(batch);
    }
  }

  /**
   * Writes one batch. The fast way first: a change of a single write needs no savepoint (a conflict
   * changes no row, see applyChange) and the batch's audit entries go in at the end, in a few
   * multi-row inserts; that keeps PostgreSQL to about one round trip per change. If anything fails
   * unexpectedly before COMMIT, the transaction is rolled back and the batch written again the
   * careful way, every change in its own savepoint with its own audit insert, so the failure is
   * confined to the change that caused it.
   */
  async #write(batch: Pending[], careful = false): Promise<void> {
    let tx: BatchTransaction;
    try {
      tx = await this.#options.begin(batch.map((p) => p.change));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }

    const { workspaceId } = this.#options;
    const outcomes: ({ result: CommitResult } | { error: unknown })[] = [];
    const deferredAudit: AuditEntry[] = [];
    let head: ChainHead | null = null;
    let committing = false;
    try {
      for (const { change } of batch) {
        if (head === null && change.audit.length > 0) head = await tx.readHead();
        const isolated = careful || change.writes.length > 1;
        if (isolated) await tx.savepoint();
        try {
          // A change without audit entries never reads the head, so the genesis stand-in is unused.
          const applied = await applyChange(tx, workspaceId, change, head ?? GENESIS_HEAD);
          if (applied.result.ok) {
            if (careful) await insertAudit(tx, workspaceId, applied.result.audit);
            else deferredAudit.push(...applied.result.audit);
            if (isolated) await tx.releaseSavepoint();
            if (change.audit.length > 0) head = applied.head;
          } else if (isolated) {
            await tx.rollbackToSavepoint();
            await tx.releaseSavepoint();
          }
          outcomes.push({ result: applied.result });
        } catch (error) {
          if (!careful) throw error;
          // An unexpected error (a bad value, a broken foreign key) fails this change only.
          await tx.rollbackToSavepoint();
          await tx.releaseSavepoint();
          outcomes.push({ error });
        }
      }
      await insertAudit(tx, workspaceId, deferredAudit);
      committing = true;
      await tx.commit(head);
    } catch (error) {
      await tx.rollback().catch(() => {});
      // Before COMMIT nothing is written, so the batch can be tried again carefully. A failed COMMIT
      // (connection lost) leaves the outcome unknown: retrying could write twice, so every change fails.
      if (!careful && !committing) return this.#write(batch, true);
      for (const pending of batch) pending.reject(error);
      return;
    }

    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) pending.reject(new Error("change was not applied"));
      else if ("error" in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.result);
    });
  }
}

const GENESIS_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };
