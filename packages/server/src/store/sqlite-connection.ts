import { GENESIS_HASH } from "@loopgate/core/commit";
import Database from "better-sqlite3";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "./migrations.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { BatchTransaction, ChainHead, SqlRunner } from "./sql-runner.ts";
import type { CheckpointProgress } from "./sqlite-checkpointer-protocol.ts";

/**
 * The embedded store's connections, shared by the main thread (reads, migrations) and the writer
 * worker (group commits, see sqlite-writer-worker.ts).
 */

/**
 * Opens the database file in WAL mode. WAL is a property of the file, so setting it on every
 * connection is harmless; whichever connection opens the file first switches it.
 */
export function openSqlite(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma("journal_mode = WAL");
  return db;
}

/**
 * A connection that writes: `synchronous=FULL` (a connection setting) fsyncs the WAL on every COMMIT,
 * so an acknowledged commit survives a crash or power loss.
 *
 * `temp_store=MEMORY` keeps statement journals in memory. A statement that may stop half-way (a
 * NOT NULL or foreign key check) inside a transaction journals the pages it changes so it can be
 * undone alone; past 64 KiB SQLite's default spills that journal to a new temporary file, and a
 * group commit's multi-row inserts pass that on every batch: a file created, written a page at a time
 * (over a third of the writer's `pwrite` calls) and deleted, for a journal only ever read on a
 * rollback. In memory it costs a few hundred KB at most.
 *
 * `cache_size = -2000` (2 MB, SQLite's own default; better-sqlite3 builds with 16 MB) because of how a
 * COMMIT ends: it drops cached pages past the end of the database, and when B-tree balancing has
 * swapped two page numbers during the transaction (it renumbers through the locking page, page 262,145
 * with 4 KB pages) the page cache believes it holds pages up to there, so every COMMIT of a file under
 * 1 GiB walks every page in the cache. At 16 MB that walk was ~4 % of the writer thread's CPU (the
 * hottest function in its profile); at 2 MB it is ~0.3 %, for a few more reads of pages the operating
 * system still holds.
 *
 * `checkpointedElsewhere`: a checkpointer thread copies the WAL into the database file (see
 * SqliteCheckpointer), so this connection's COMMIT checkpoints only as a backstop, should the WAL reach
 * {@link BACKSTOP_CHECKPOINT_PAGES} pages. Otherwise SQLite's default applies: the COMMIT that takes the
 * WAL past 1,000 pages checkpoints it, fsyncs included, before it returns.
 */
export function openSqliteWriter(
  file: string,
  busyTimeoutMs: number,
  checkpointedElsewhere = false,
): Database.Database {
  const db = openSqlite(file, busyTimeoutMs);
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("temp_store = MEMORY");
  db.pragma(`cache_size = ${WRITER_CACHE_KIB}`);
  if (checkpointedElsewhere) db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  return db;
}

/** The writer's page cache, in SQLite's notation for KiB (negative): 2 MB. */
const WRITER_CACHE_KIB = -2000;

/**
 * The WAL size (4 KB pages, so 40 MB) at which the writer checkpoints on its own although a checkpointer
 * thread runs: reached only if that thread stops keeping up or stops.
 */
export const BACKSTOP_CHECKPOINT_PAGES = 10_000;

/**
 * A connection that only checkpoints. `synchronous=FULL` makes each checkpoint fsync the WAL before it
 * copies frames and the database file after, before it records them as copied, so the WAL is reused
 * only once what it held is durable in the database file.
 */
export function openSqliteCheckpointer(file: string, busyTimeoutMs: number): Database.Database {
  const db = openSqlite(file, busyTimeoutMs);
  db.pragma("synchronous = FULL");
  return db;
}

/**
 * Copies what it can of the WAL into the database file without waiting for readers or the writer
 * (`PRAGMA wal_checkpoint(PASSIVE)`). Once a checkpoint has copied every frame, the writer's next
 * transaction starts the WAL again from its beginning, so the file stays small.
 */
export function runCheckpoint(db: Database.Database): CheckpointProgress {
  const [row] = db.pragma("wal_checkpoint(PASSIVE)") as { busy: number; log: number; checkpointed: number }[];
  return { walFrames: row?.log ?? 0, checkpointedFrames: row?.checkpointed ?? 0 };
}

/** Applies the migrations not yet applied, in one transaction. */
export function migrateSqlite(db: Database.Database): void {
  // BEGIN IMMEDIATE serialises migrations of processes starting at once; the second finds them applied.
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(SCHEMA_MIGRATIONS_DDL);
    const applied = new Set(
      db
        .prepare("SELECT version FROM schema_migrations")
        .all()
        .map((row) => (row as { version: number }).version),
    );
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const migration of loadMigrations("sqlite")) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

const HEAD_SQL = "SELECT seq, hash FROM audit_entries WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1";

/**
 * Opens one group-commit transaction. `BEGIN IMMEDIATE` takes SQLite's single write lock (waiting up
 * to the busy timeout for another process), so the chain head read inside it cannot move before COMMIT.
 */
export async function beginSqliteBatch(
  db: Database.Database,
  writer: SqliteRunner,
  workspaceId: string,
): Promise<BatchTransaction> {
  await writer.run("BEGIN IMMEDIATE", []);
  return {
    all: (sql, params) => writer.all(sql, params),
    run: (sql, params) => writer.run(sql, params),
    async readHead(): Promise<ChainHead> {
      const [row] = await writer.all(HEAD_SQL, [workspaceId]);
      return row === undefined
        ? { seq: 0, hash: GENESIS_HASH }
        : { seq: Number(row.seq), hash: String(row.hash) };
    },
    savepoint: async () => void (await writer.run("SAVEPOINT change", [])),
    rollbackToSavepoint: async () => void (await writer.run("ROLLBACK TO change", [])),
    releaseSavepoint: async () => void (await writer.run("RELEASE change", [])),
    commit: async () => void (await writer.run("COMMIT", [])),
    rollback: async () => {
      if (db.inTransaction) await writer.run("ROLLBACK", []);
    },
  };
}

/** A connection whose statements are prepared once and reused. */
export class SqliteRunner implements SqlRunner {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  async all(sql: string, params: readonly SqlValue[]): Promise<DbRecord[]> {
    return this.#prepare(sql).all(...params.map(bind)) as DbRecord[];
  }

  async run(sql: string, params: readonly SqlValue[]): Promise<number> {
    return this.#prepare(sql).run(...params.map(bind)).changes;
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

const bind = (value: SqlValue): string | number | null =>
  typeof value === "boolean" ? Number(value) : value;
