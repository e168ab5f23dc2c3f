import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { inject } from "vitest";
import { loadMigrations, SCHEMA_MIGRATIONS_DDL } from "../../src/store/migrations.ts";
import { PostgresStore } from "../../src/store/postgres-store.ts";
import { SqliteStore, sqliteFile } from "../../src/store/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";

/**
 * Real stores for tests, one of each engine the machine can run (see global-setup.ts). Each test store
 * is fresh: SQLite in a new temporary directory, PostgreSQL in a new schema of the test database.
 *
 * @example
 * ```ts
 * describe.each(storeEngines())("%s", (engine) => {
 *   let db: TestStore;
 *   beforeEach(async () => { db = await createTestStore(engine); });
 *   afterEach(() => db.cleanup());
 *   it("works", async () => { expect(await db.store.activePolicy()).toBeNull(); });
 * });
 *
 * it("works on every engine", () => withStores(async (store) => { ... }));
 * ```
 */

export type StoreEngine = "sqlite" | "postgres";

/** A fresh, migrated store and what a test needs around it. */
export interface TestStore {
  readonly engine: StoreEngine;
  /** The current store (replaced by {@link reopen}). */
  readonly store: Store;
  /** Another store on the same data, as a second replica or the CLI beside the server would open it. */
  openAnother(): Promise<Store>;
  /** Closes the current store and opens the same data again. */
  reopen(): Promise<Store>;
  /** Where the data lives: the SQLite data directory, or the PostgreSQL schema. */
  readonly location: string;
  /** Closes every store it opened and deletes the data. */
  cleanup(): Promise<void>;
}

/** The PostgreSQL database provided by the global setup, or null when PostgreSQL is unavailable. */
export function testDatabaseUrl(): string | null {
  const provided = inject("loopgateDatabaseUrl");
  return provided ?? (process.env.LOOPGATE_TEST_DATABASE_URL || null);
}

/** The engines to run store-backed tests on: SQLite always, PostgreSQL when available. */
export function storeEngines(): StoreEngine[] {
  return testDatabaseUrl() === null ? ["sqlite"] : ["sqlite", "postgres"];
}

/** A fresh store of the engine, migrated. */
export async function createTestStore(engine: StoreEngine): Promise<TestStore> {
  const opened: Store[] = [];
  let open: () => Store;
  let drop: () => Promise<void>;
  let location: string;

  if (engine === "sqlite") {
    const dataDir = mkdtempSync(join(tmpdir(), "loopgate-store-"));
    location = dataDir;
    open = () => new SqliteStore({ dataDir });
    drop = async () => rmSync(dataDir, { recursive: true, force: true });
  } else {
    const url = testDatabaseUrl();
    if (url === null) throw new Error("PostgreSQL is not available to this test run");
    const schema = `test_${randomBytes(6).toString("hex")}`;
    location = schema;
    open = () => new PostgresStore({ connectionString: url, schema, poolSize: 4 });
    drop = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    };
  }

  const openMigrated = async (): Promise<Store> => {
    const store = open();
    opened.push(store);
    await store.migrate();
    return store;
  };

  let current = await openMigrated();
  return {
    engine,
    location,
    get store() {
      return current;
    },
    openAnother: openMigrated,
    async reopen() {
      await current.close();
      opened.splice(opened.indexOf(current), 1);
      current = await openMigrated();
      return current;
    },
    async cleanup() {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
      await drop();
    },
  };
}

/** Runs `fn` with a fresh store of each available engine in turn, cleaning up after each. */
export async function withStores(fn: (store: Store, engine: StoreEngine) => Promise<void>): Promise<void> {
  for (const engine of storeEngines()) {
    const testStore = await createTestStore(engine);
    try {
      await fn(testStore.store, engine);
    } finally {
      await testStore.cleanup();
    }
  }
}

/** Runs one statement with `?` placeholders against a database written before a migration. */
export type RunSql = (sql: string, params?: unknown[]) => Promise<void>;

/**
 * A store of the engine whose data `seed` wrote with the migrations before `version` only — as a
 * database written by an earlier release — not yet migrated further: the test calls `store.migrate()`
 * to upgrade it, then `cleanup()`.
 *
 * @example
 * ```ts
 * const old = await storeWrittenBefore(engine, 18, async (run) => {
 *   await run("INSERT INTO executions (…) VALUES (?, ?, …)", ["exec_1", "prop_1"]);
 * });
 * await old.store.migrate(); // applies 0018 and later to what was written
 * await old.cleanup();
 * ```
 */
export async function storeWrittenBefore(
  engine: StoreEngine,
  version: number,
  seed: (run: RunSql) => Promise<void>,
): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const earlier = loadMigrations(engine).filter((m) => m.version < version);
  if (engine === "sqlite") {
    const dataDir = mkdtempSync(join(tmpdir(), "loopgate-migration-"));
    const sqlite = new Database(sqliteFile(dataDir));
    try {
      sqlite.exec(SCHEMA_MIGRATIONS_DDL);
      for (const m of earlier) {
        sqlite.exec(m.sql);
        sqlite.prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)").run(m.version, m.name, "x");
      }
      // Rows of one table alone (no proposal behind an execution, say), as a test seeds them.
      sqlite.pragma("foreign_keys = OFF");
      await seed(async (sql, params = []) => void sqlite.prepare(sql).run(...params));
    } finally {
      sqlite.close();
    }
    return {
      store: new SqliteStore({ dataDir }),
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const url = testDatabaseUrl();
  if (url === null) throw new Error("PostgreSQL is not available to this test run");
  const schema = `test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run: RunSql = async (sql, params = []) => {
    let n = 0;
    await client.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
  };
  await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
  await client.query(SCHEMA_MIGRATIONS_DDL);
  for (const m of earlier) {
    await client.query(m.sql);
    await run("INSERT INTO schema_migrations VALUES (?, ?, ?)", [m.version, m.name, "x"]);
  }
  await seed(run);
  return {
    store: new PostgresStore({ connectionString: url, schema, poolSize: 2 }),
    cleanup: async () => {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}
