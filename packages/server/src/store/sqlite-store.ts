import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import type { BatchTransaction } from "./sql-runner.ts";
import { SqlStore, type SqlStoreOptions } from "./sql-store.ts";
import { SqliteCheckpointer } from "./sqlite-checkpointer.ts";
import {
  beginSqliteBatch,
  migrateSqlite,
  openSqlite,
  openSqliteWriter,
  SqliteRunner,
} from "./sqlite-connection.ts";
import { SqliteWriter } from "./sqlite-writer.ts";
import type { Change, CommitResult } from "./store.ts";

export interface SqliteStoreOptions extends SqlStoreOptions {
  /** Directory of the database file `loopgate.db`; created if missing. */
  dataDir: string;
  /**
   * How long a write waits for another process (the CLI beside a running server) to release the
   * database, in ms.
   * @defaultValue 10_000
   */
  busyTimeoutMs?: number;
  /**
   * Whether commits are written on a worker thread (see SqliteWriter), with the WAL checkpointed on
   * another (see SqliteCheckpointer). `false` writes and checkpoints on this thread: for a process
   * that serves no requests, such as the writer of `loopgate serve --workers`.
   * @defaultValue true
   */
  writerThread?: boolean;
}

/** The file the embedded store keeps everything in. */
export const sqliteFile = (dataDir: string): string => join(dataDir, "loopgate.db");

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so an acknowledged commit
 * has been fsynced. Commits are written in `BEGIN IMMEDIATE` batches on a worker thread (see
 * SqliteWriter), so the fsync and the sealing of audit entries do not stall the event loop; until
 * the worker is up, and should it fail, they are written on this thread through the same group
 * commit. Once the worker writes, a third thread checkpoints the WAL into the database file (see
 * SqliteCheckpointer), so its COMMITs do not pause for that either. Reads use a connection of their
 * own, which only ever sees committed transactions. Other processes may write the same file: `BEGIN
 * IMMEDIATE` takes the single write lock, waiting up to the busy timeout, and the chain head is read
 * inside that transaction, so the chain cannot fork.
 */
export class SqliteStore extends SqlStore {
  readonly engine = "sqlite" as const;
  /** The database file, for readers on other threads (replay's workers open it read-only). */
  readonly file: string;
  protected readonly reader: SqliteRunner;
  readonly #writeDb: Database.Database;
  readonly #readDb: Database.Database;
  readonly #localWriter: SqliteRunner;
  readonly #writer: SqliteWriter | null;
  readonly #checkpointer: SqliteCheckpointer | null;
  #closing: Promise<void> | null = null;

  constructor(options: SqliteStoreOptions) {
    super(options);
    mkdirSync(options.dataDir, { recursive: true });
    const file = sqliteFile(options.dataDir);
    this.file = file;
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    // Opened before the worker starts, so the file is in WAL mode before any other connection uses it.
    this.#writeDb = openSqliteWriter(file, busyTimeoutMs);
    this.#readDb = openSqlite(file, busyTimeoutMs);
    this.#localWriter = new SqliteRunner(this.#writeDb);
    this.reader = new SqliteRunner(this.#readDb);
    if (options.writerThread === false) {
      this.#writer = null;
      this.#checkpointer = null;
      return;
    }
    const checkpointer = new SqliteCheckpointer({ file, busyTimeoutMs });
    this.#checkpointer = checkpointer;
    this.#writer = new SqliteWriter(
      { file, busyTimeoutMs, workspaceId: this.workspaceId, maxBatch: options.maxBatch ?? 512 },
      (change) => super.commit(change),
      (changes) => checkpointer.written(changes),
    );
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.#writeDb);
  }

  /** Where another thread finds this store's rows: the file and the workspace. */
  readerSource(): { file: string; workspaceId: string } {
    return { file: this.file, workspaceId: this.workspaceId };
  }

  /** Resolves true once commits are written on the writer thread (false: it could not start, or there is none). */
  writerThreadReady(): Promise<boolean> {
    return this.#writer?.whenReady() ?? Promise.resolve(false);
  }

  override commit(change: Change): Promise<CommitResult> {
    return this.#writer === null ? super.commit(change) : this.#writer.commit(change);
  }

  /** The writer drains first: until then it may still write batches through this thread's group commit. */
  override close(): Promise<void> {
    this.#closing ??= (this.#writer?.close() ?? Promise.resolve())
      .then(() => this.#checkpointer?.close())
      .then(() => super.close());
    return this.#closing;
  }

  /** A batch written on this thread, while the writer worker is not ready. */
  protected beginBatch(): Promise<BatchTransaction> {
    return beginSqliteBatch(this.#writeDb, this.#localWriter, this.workspaceId);
  }

  protected async closeConnections(): Promise<void> {
    this.#readDb.close();
    this.#writeDb.close();
  }
}
