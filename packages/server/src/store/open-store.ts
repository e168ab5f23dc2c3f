import { PostgresStore } from "./postgres-store.ts";
import { SqliteStore } from "./sqlite-store.ts";
import type { Store } from "./store.ts";

export interface OpenStoreOptions {
  /** Directory of the embedded store's file, used when no `databaseUrl` is given; created if missing. */
  dataDir?: string;
  /** A PostgreSQL URL; when given, the PostgreSQL store is used. */
  databaseUrl?: string;
}

/**
 * Opens the store the configuration names, PostgreSQL when `databaseUrl` is set, otherwise the
 * embedded SQLite file under `dataDir`, and brings its schema up to date.
 *
 * @example
 * ```ts
 * const store = await openStore({ dataDir: ".loopgate" });
 * try {
 *   console.log(await store.activePolicy());
 * } finally {
 *   await store.close();
 * }
 * ```
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  let store: Store;
  if (options.databaseUrl !== undefined && options.databaseUrl !== "") {
    store = new PostgresStore({ connectionString: options.databaseUrl });
  } else if (options.dataDir !== undefined) {
    store = new SqliteStore({ dataDir: options.dataDir });
  } else {
    throw new TypeError("openStore needs a dataDir (embedded store) or a databaseUrl (PostgreSQL)");
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
