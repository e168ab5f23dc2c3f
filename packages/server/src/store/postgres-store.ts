import { GENESIS_HASH } from "@loopgate/core";
import pg from "pg";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "./migrations.ts";
import type { DbRecord, SqlValue } from "./rows.ts";
import type { BatchTransaction, ChainHead, SqlRunner } from "./sql-runner.ts";
import { SqlStore, type SqlStoreOptions } from "./sql-store.ts";
import type { Change } from "./store.ts";

export interface PostgresStoreOptions extends SqlStoreOptions {
  /** `postgres://user:password@host:port/database` */
  connectionString: string;
  /**
   * A schema to keep the tables in instead of the connection's default (created by migrate()); each
   * test uses its own.
   */
  schema?: string;
  /**
   * Connections in the pool; one at a time writes, the rest serve reads.
   * @defaultValue 10
   */
  poolSize?: number;
}

/**
 * The scale-out store: any number of Loopgate processes share one PostgreSQL database. Each process
 * writes through one group-commit transaction at a time (see GroupCommit); across processes, a batch
 * that appends audit entries or a policy first locks its workspace's `audit_heads` row
 * (`SELECT … FOR UPDATE`), so appends are serialised and the chain cannot fork. Taking that lock
 * before any row lock keeps the lock order the same in every batch, so batches of different
 * processes cannot deadlock on it.
 */
export class PostgresStore extends SqlStore {
  readonly engine = "postgres" as const;
  protected readonly reader: SqlRunner;
  readonly #pool: pg.Pool;
  readonly #schema: string | undefined;

  constructor(options: PostgresStoreOptions) {
    super(options);
    this.#schema = options.schema;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${quoteIdent(options.schema)}` }),
    });
    // An idle connection that breaks is dropped by the pool; without a listener the error would crash
    // the process. Queries on a broken connection still fail and reach their caller.
    this.#pool.on("error", () => {});
    const pool = this.#pool;
    this.reader = {
      all: async (sql, params) => (await pool.query(statement(sql, params))).rows as DbRecord[],
      run: async (sql, params) => (await pool.query(statement(sql, params))).rowCount ?? 0,
    };
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    const lockKey = `loopgate:migrate:${this.#schema ?? "public"}`;
    try {
      // A session advisory lock: processes starting at once migrate one after the other.
      await client.query("SELECT pg_advisory_lock(hashtext($1))", [lockKey]);
      try {
        if (this.#schema !== undefined)
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.#schema)}`);
        await client.query(SCHEMA_MIGRATIONS_DDL);
        const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
        const applied = new Set(rows.map((row) => row.version));
        for (const migration of loadMigrations("postgres")) {
          if (applied.has(migration.version)) continue;
          await client.query("BEGIN");
          try {
            await client.query(migration.sql);
            await client.query(
              "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
              [migration.version, migration.name, new Date().toISOString()],
            );
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK");
            throw error;
          }
        }
        await client.query(
          "INSERT INTO audit_heads (workspace_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (workspace_id) DO NOTHING",
          [this.workspaceId, GENESIS_HASH],
        );
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lockKey]);
      }
    } finally {
      client.release();
    }
  }

  protected async beginBatch(changes: readonly Change[]): Promise<BatchTransaction> {
    const client = await this.#pool.connect();
    const workspaceId = this.workspaceId;
    const run = async (sql: string, params: readonly SqlValue[]) => client.query(statement(sql, params));
    let head: ChainHead | null = null;
    const lockHead = async (): Promise<ChainHead> => {
      const { rows } = await run(LOCK_HEAD_SQL, [workspaceId]);
      const row = rows[0] as DbRecord | undefined;
      if (row === undefined)
        throw new Error(`no audit head for workspace ${workspaceId}: run migrate() first`);
      return { seq: Number(row.seq), hash: String(row.hash) };
    };
    // Savepoints are released lazily: the next change's SAVEPOINT is sent in the same round trip.
    let savepointOpen = false;

    try {
      await client.query("BEGIN");
      if (changes.some((c) => c.audit.length > 0 || c.writes.some((w) => w.kind === "insertPolicy"))) {
        head = await lockHead();
      }
    } catch (error) {
      client.release(true);
      throw error;
    }

    let released = false;
    const release = (destroy: boolean) => {
      if (released) return;
      released = true;
      client.release(destroy);
    };
    return {
      all: async (sql, params) => (await run(sql, params)).rows as DbRecord[],
      run: async (sql, params) => (await run(sql, params)).rowCount ?? 0,
      readHead: async () => {
        head ??= await lockHead();
        return head;
      },
      savepoint: async () => {
        await client.query(savepointOpen ? "RELEASE SAVEPOINT change; SAVEPOINT change" : "SAVEPOINT change");
        savepointOpen = true;
      },
      rollbackToSavepoint: async () => void (await client.query("ROLLBACK TO SAVEPOINT change")),
      releaseSavepoint: async () => {},
      commit: async (next) => {
        if (next !== null && next.seq !== head?.seq) {
          await run("UPDATE audit_heads SET seq = ?, hash = ? WHERE workspace_id = ?", [
            next.seq,
            next.hash,
            workspaceId,
          ]);
        }
        await client.query("COMMIT");
        release(false);
      },
      rollback: async () => {
        try {
          await client.query("ROLLBACK");
          release(false);
        } catch {
          release(true);
        }
      },
    };
  }

  protected async closeConnections(): Promise<void> {
    await this.#pool.end();
  }
}

const LOCK_HEAD_SQL = "SELECT seq, hash FROM audit_heads WHERE workspace_id = ? FOR UPDATE";

const numbered = new Map<string, pg.QueryConfig>();

/**
 * The shared `?` SQL as a named prepared statement with `$n` placeholders: each connection parses
 * and plans it once. (No statement contains a literal `?`.)
 */
function statement(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
  let config = numbered.get(sql);
  if (config === undefined) {
    let n = 0;
    config = { name: `lg${numbered.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    numbered.set(sql, config);
  }
  return { ...config, values: params as SqlValue[] };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
