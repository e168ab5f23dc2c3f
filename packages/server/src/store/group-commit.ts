import { GENESIS_HASH, type SealedAuditDraft } from "@loopgate/core/commit";
import { applyChange, entriesOf, insertAudit, sealAudit } from "./apply-change.ts";
import { insertSubmissions, isSubmission, type Submission } from "./bulk-submissions.ts";
import { rollupIncrements, writeRollups } from "./metric-rollups.ts";
import type { BatchTransaction, ChainHead } from "./sql-runner.ts";
import type { Change, CommitResult, Conflict } from "./store.ts";

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
   * Writes one batch. The fast way first: submissions (a new proposal, its amount, its review) are written
   * together in a multi-row insert per table (see insertSubmissions); any other change of a single
   * write needs no savepoint (a conflict changes no row, see applyChange); and the batch's audit
   * entries are sealed in batch order and go in at the end, in a few multi-row inserts. That keeps
   * PostgreSQL to a handful of round trips per batch of submissions. If anything fails
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
    const deferredAudit: SealedAuditDraft[] = [];
    let head: ChainHead | null = null;
    let committing = false;
    try {
      const bulk = careful ? new Map<Change, Conflict | null>() : await this.#insertSubmissions(tx, batch);
      for (const { change } of batch) {
        if (head === null && change.audit.length > 0) head = await tx.readHead();
        const submitted = bulk.get(change);
        if (submitted !== undefined) {
          // Its rows are written; a refused one wrote nothing and appends nothing.
          if (submitted === null) {
            const sealed = sealAudit(change.audit, head ?? GENESIS_HEAD);
            deferredAudit.push(...sealed.sealed);
            if (change.audit.length > 0) head = sealed.head;
            outcomes.push({ result: { ok: true, audit: entriesOf(sealed.sealed) } });
          } else {
            outcomes.push({ result: { ok: false, conflict: submitted } });
          }
          continue;
        }
        const isolated = careful || change.writes.length > 1;
        if (isolated) await tx.savepoint();
        try {
          // A change without audit entries never reads the head, so the genesis stand-in is unused.
          const applied = await applyChange(tx, workspaceId, change, head ?? GENESIS_HEAD);
          if (applied.result.ok) {
            if (careful) await insertAudit(tx, workspaceId, applied.sealed);
            else deferredAudit.push(...applied.sealed);
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
      // Metric rollups of what this batch wrote, in the same transaction (migration 0005).
      const written = batch.filter((_, i) => {
        const outcome = outcomes[i];
        return outcome !== undefined && "result" in outcome && outcome.result.ok;
      });
      const increments = await rollupIncrements(
        tx,
        workspaceId,
        written.map((p) => p.change),
      );
      await writeRollups(tx, workspaceId, increments);
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

  /** Writes the batch's submissions in bulk when there are several; their outcomes by change. */
  async #insertSubmissions(tx: BatchTransaction, batch: Pending[]): Promise<Map<Change, Conflict | null>> {
    const submissions = batch.map((p) => p.change).filter(isSubmission);
    const outcomes = new Map<Change, Conflict | null>();
    if (submissions.length < 2) return outcomes;
    const conflicts = await insertSubmissions(tx, this.#options.workspaceId, submissions);
    submissions.forEach((submission: Submission, i) => {
      outcomes.set(submission, conflicts[i] ?? null);
    });
    return outcomes;
  }
}

const GENESIS_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };
