import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The superuser of a throwaway cluster (trust authentication, loopback only). */
const SUPERUSER = "loopgate";

/** The directory holding `initdb` and `pg_ctl`: the newest under /usr/lib/postgresql, else PATH. */
export function findPostgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir !== "" && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  }
  return null;
}

/** A running throwaway cluster: its database URL, and `stop` to shut it down and delete it. */
export interface PostgresCluster {
  url: string;
  stop: () => Promise<void>;
}

export interface PostgresClusterOptions {
  /** The database to create in it. */
  database: string;
}

/**
 * Starts a throwaway PostgreSQL cluster with the binaries in `bin`: `initdb` in a temporary directory
 * (as the `postgres` user when running as root, since PostgreSQL refuses root), on a free loopback
 * port with trust authentication and fsync on, and creates `options.database`. The cluster is also
 * stopped if the process exits without calling `stop`.
 */
export async function startPostgresCluster(
  bin: string,
  options: PostgresClusterOptions,
): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), "loopgate-pg-"));
  const dataDir = join(dir, "data");
  // PostgreSQL refuses to run as root; as root, run it as the `postgres` user the package creates.
  const asUser = runAs(dir);
  const port = await freePort();
  const pgCtl = (...args: string[]) =>
    execFileSync(asUser.command, [...asUser.prefix, join(bin, "pg_ctl"), ...args], { stdio: "pipe" });

  execFileSync(
    asUser.command,
    [
      ...asUser.prefix,
      join(bin, "initdb"),
      "-D",
      dataDir,
      "-U",
      SUPERUSER,
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-instructions",
    ],
    { stdio: "pipe" },
  );
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=on",
    "-c max_connections=400",
  ].join(" ");
  pgCtl("-D", dataDir, "-l", join(dir, "postgres.log"), "-o", settings, "-w", "-t", "60", "start");

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stopNow);
    try {
      pgCtl("-D", dataDir, "-m", "fast", "-w", "stop");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // Should vitest exit without running the teardown, the cluster still goes with it.
  process.on("exit", stopNow);
  const stop = async () => stopNow();

  try {
    const admin = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, database: "postgres" });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(options.database)}`);
    await admin.end();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(options.database)}`, stop };
}

function runAs(dir: string): { command: string; prefix: string[] } {
  if (process.getuid?.() !== 0) return { command: "env", prefix: [] };
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8", stdio: "pipe" }).trim());
    gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8", stdio: "pipe" }).trim());
  } catch {
    throw new Error(
      "running as root, the test PostgreSQL needs the `postgres` user (created by the postgresql package)",
    );
  }
  chownSync(dir, uid, gid);
  return { command: "runuser", prefix: ["-u", "postgres", "--"] };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
