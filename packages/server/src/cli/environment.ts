import { userInfo } from "node:os";
import type { Actor } from "@loopgate/core";
import { v7 as uuidv7 } from "uuid";
import { openStore } from "../store/open-store.ts";
import type { Store } from "../store/store.ts";

/** The data directory used when neither `--data-dir` nor `LOOPGATE_DATA_DIR` names one. */
export const DEFAULT_DATA_DIR = ".loopgate";

/** Where a command finds the store: PostgreSQL when `LOOPGATE_DATABASE_URL` is set, else the data directory. */
export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string;
}

/**
 * The environment the CLI reads, once per command: `LOOPGATE_DATABASE_URL` (PostgreSQL) and
 * `LOOPGATE_DATA_DIR` (the default for `--data-dir`). Empty values count as unset.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): {
  databaseUrl: string | undefined;
  dataDir: string | undefined;
} {
  return {
    databaseUrl: nonEmpty(env.LOOPGATE_DATABASE_URL),
    dataDir: nonEmpty(env.LOOPGATE_DATA_DIR),
  };
}

/** The store location from a command's `--data-dir` flag and the environment. */
export function storeLocation(flags: { dataDir?: string | undefined }): StoreLocation {
  const env = readEnvironment();
  const dataDir = flags.dataDir ?? env.dataDir ?? DEFAULT_DATA_DIR;
  return env.databaseUrl === undefined ? { dataDir } : { dataDir, databaseUrl: env.databaseUrl };
}

/** Says where a store lives, for notes on stderr (never printing a database password). */
export function describeLocation(location: StoreLocation): string {
  if (location.databaseUrl === undefined) return `data directory ${location.dataDir}`;
  try {
    const url = new URL(location.databaseUrl);
    return `PostgreSQL ${url.host}${url.pathname}`;
  } catch {
    return "PostgreSQL (LOOPGATE_DATABASE_URL)";
  }
}

/**
 * Opens the store (which brings its schema up to date, safe while a server runs on it), runs `work`,
 * and closes the store whatever happens.
 */
export async function withStore<T>(location: StoreLocation, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(
    location.databaseUrl === undefined
      ? { dataDir: location.dataDir }
      : { dataDir: location.dataDir, databaseUrl: location.databaseUrl },
  );
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Who the audit log says acted when a command changes something: the CLI, and the OS user running it. */
export function cliActor(): Actor {
  let osUser = "unknown";
  try {
    osUser = userInfo().username;
  } catch {
    // Some containers run as a uid with no passwd entry; the audit entry still names the CLI.
  }
  return { kind: "system", id: "cli", name: `loopgate CLI (${osUser})` };
}

/** A new unique, time-ordered id for rows the CLI creates, of the same kind the server gives. */
export function newId(): string {
  return uuidv7();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
