import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { GENESIS_HASH } from "@loopgate/core";
import Database from "better-sqlite3";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "./migrations.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { BatchTransaction, ChainHead, SqlRunner } from "./sql-runner.ts";
import { SqlStore, type SqlStoreOptions } from "./sql-store.ts";

export interface SqliteStoreOptions extends SqlStoreOptions {
  /** Directory of the database file `loopgate.db`; created if missing. */
  dataDir: string;
  /**
   * How long a write waits for another process (the CLI beside a running server) to release the
   * database, in ms.
   * @defaultValue 10_000
   */
  busyTimeoutMs?: number;
}

/** The file the embedded store keeps everything in. */
export const sqliteFile = (dataDir: string): string => join(dataDir, "loopgate.db");

/**
 * The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so an acknowledged commit
 * has been fsynced. Writes go through one connection in `BEGIN IMMEDIATE` batches (see GroupCommit);
 * reads use a second connection, which only ever sees committed transactions. Other processes may
 * write the same file: `BEGIN IMMEDIATE` takes the single write lock, waiting up to the busy timeout,
 * and the chain head is read inside that transaction, so the chain cannot fork.
 */
export class SqliteStore extends SqlStore {
  readonly engine = "sqlite" as const;
  protected readonly reader: SqliteRunner;
  readonly #writer: SqliteRunner;
  readonly #writeDb: Database.Database;
  readonly #readDb: Database.Database;

  constructor(options: SqliteStoreOptions) {
    super(options);
    mkdirSync(options.dataDir, { recursive: true });
    const file = sqliteFile(options.dataDir);
    const busyTimeout = options.busyTimeoutMs ?? 10_000;
    this.#writeDb = new Database(file);
    this.#writeDb.pragma(`busy_timeout = ${busyTimeout}`);
    this.#writeDb.pragma("journal_mode = WAL");
    this.#writeDb.pragma("synchronous = FULL");
    this.#writeDb.pragma("foreign_keys = ON");
    this.#readDb = new Database(file);
    this.#readDb.pragma(`busy_timeout = ${busyTimeout}`);
    this.#writer = new SqliteRunner(this.#writeDb);
    this.reader = new SqliteRunner(this.#readDb);
  }

  async migrate(): Promise<void> {
    const db = this.#writeDb;
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

  protected async beginBatch(): Promise<BatchTransaction> {
    const writer = this.#writer;
    const db = this.#writeDb;
    const workspaceId = this.workspaceId;
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

  protected async closeConnections(): Promise<void> {
    this.#readDb.close();
    this.#writeDb.close();
  }
}

const HEAD_SQL = "SELECT seq, hash FROM audit_entries WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1";

/** A connection whose statements are prepared once and reused. */
class SqliteRunner implements SqlRunner {
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
