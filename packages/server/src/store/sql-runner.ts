import type { DbRecord, SqlValue } from "./rows.ts";

/** What the shared store code needs of a database connection. */
export interface SqlRunner {
  /** Runs a query and returns its rows. */
  all(sql: string, params: readonly SqlValue[]): Promise<DbRecord[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params: readonly SqlValue[]): Promise<number>;
}

/** The audit chain's newest entry: seq 0 and the genesis hash for an empty chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * One group-commit transaction, opened by an engine for a batch of changes. A change that must be
 * undone alone runs between {@link savepoint} and {@link releaseSavepoint}, or is undone with
 * {@link rollbackToSavepoint}.
 */
export interface BatchTransaction extends SqlRunner {
  /** The chain head as of this transaction, held so no other writer can append until it ends. */
  readHead(): Promise<ChainHead>;
  savepoint(): Promise<void>;
  rollbackToSavepoint(): Promise<void>;
  releaseSavepoint(): Promise<void>;
  /** Commits durably; `head` is the chain head after the batch, or null when the batch never read it. */
  commit(head: ChainHead | null): Promise<void>;
  /** Abandons the batch after an error that left the transaction unusable. */
  rollback(): Promise<void>;
}
