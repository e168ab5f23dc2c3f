import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import type { Actor } from "@loopgate/core";
import { v7 as uuidv7 } from "uuid";
import { openStore } from "../store/open-store.ts";
import { sqliteFile } from "../store/sqlite-store.ts";
import type { Store } from "../store/store.ts";
import { CliError, EXIT } from "./cli-error.ts";
import { note, shellQuote } from "./output.ts";

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
 *
 * The embedded store must already exist unless `create` is set: a command that only reads (or
 * changes what is already there) refuses a data directory with no Loopgate store in it (exit 2)
 * instead of creating an empty one there, which would hide a mistyped `--data-dir`. Only commands
 * that set a store up (`keys create`, `users add`) pass `create: true`; PostgreSQL is always opened.
 *
 * With `create`, a new store is said on stderr.
 *
 * @throws CliError (usage) when the embedded store is missing and `create` is not set.
 */
export async function withStore<T>(
  location: StoreLocation,
  work: (store: Store) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const embedded = location.databaseUrl === undefined;
  const existed = embedded && existsSync(sqliteFile(location.dataDir));
  if (!existed && options.create !== true) assertStoreExists(location);
  const store = await openStore(
    location.databaseUrl === undefined
      ? { dataDir: location.dataDir }
      : { dataDir: location.dataDir, databaseUrl: location.databaseUrl },
  );
  if (embedded && !existed) {
    // Said, because a mistyped --data-dir would otherwise go unnoticed until the key does not work.
    note(
      `New store created in ${named(location.dataDir)}: it held no Loopgate data. ` +
        "If your server runs on another --data-dir, use that one.",
    );
  }
  // Held until the store is closed. The store's writer and checkpointer threads are unref'd (a server
  // must be able to exit) and ref'd only while a batch or their close is pending; under heavy load a
  // short CLI process still once found its event loop empty mid-command and exited 13 ("unsettled
  // top-level await") without a word. A timer that never fires rules that out for the command's length.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    return await work(store);
  } finally {
    await store.close().finally(() => clearInterval(keepAlive));
  }
}

/**
 * Refuses a data directory with no embedded store in it, as {@link withStore} does; for a command
 * that checks before it asks for something (a password) and opens the store afterwards.
 *
 * @throws CliError (usage) naming the directory and what to do.
 */
export function assertStoreExists(location: StoreLocation): void {
  if (location.databaseUrl !== undefined || existsSync(sqliteFile(location.dataDir))) return;
  throw new CliError(
    `no Loopgate data in ${named(location.dataDir)}: pass the --data-dir that \`loopgate serve\` uses ` +
      "(or set LOOPGATE_DATA_DIR, or LOOPGATE_DATABASE_URL for PostgreSQL)",
    EXIT.usage,
  );
}

/** A directory as given, with its absolute path when that differs: `.loopgate (/srv/app/.loopgate)`. */
function named(dataDir: string): string {
  const absolute = resolve(dataDir);
  return absolute === dataDir ? dataDir : `${dataDir} (${absolute})`;
}

/**
 * ` --data-dir <dir>` for a command line printed for the user to paste, shell-quoted when needed, or
 * `""` when the store is PostgreSQL (the environment names it) or the default `.loopgate` with no
 * `LOOPGATE_DATA_DIR` that could point a pasted command elsewhere.
 */
export function dataDirFlag(location: StoreLocation): string {
  if (location.databaseUrl !== undefined) return "";
  if (location.dataDir === DEFAULT_DATA_DIR && readEnvironment().dataDir === undefined) return "";
  return ` --data-dir ${shellQuote(location.dataDir)}`;
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
