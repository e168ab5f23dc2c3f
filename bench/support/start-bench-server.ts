/**
 * What every benchmark's server process shares: Loopgate on `dataDir` (PostgreSQL instead when
 * `LOOPGATE_DATABASE_URL` is set) with `policy` written beside the data, logging warnings only and
 * with no rate limit (the simulated agents and reviewers share keys; a per-key limit would measure the
 * limiter, not the path), and ways to create keys and people; on SIGTERM it closes, then exits. It
 * returns once the embedded store's writer thread is ready.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Role } from "@loopgate/core";
import { createApiKey } from "../../packages/server/src/app/api-keys.ts";
import { addUser } from "../../packages/server/src/app/people.ts";
import { SYSTEM_ACTOR } from "../../packages/server/src/app/principal.ts";
import { startCluster } from "../../packages/server/src/cluster/start-cluster.ts";
import { type RunningServer, startServer } from "../../packages/server/src/http/start-server.ts";
import { SqliteStore } from "../../packages/server/src/store/sqlite-store.ts";

export interface BenchServer {
  server: RunningServer;
  /** Creates an API key and returns its secret. */
  key(name: string, role: Role): Promise<string>;
  /** Adds a person who signs in with a password. */
  person(name: string, role: Exclude<Role, "agent">, password: string): Promise<void>;
  /** Prints the line the load generator waits for, and closes (then runs `after`) on SIGTERM. */
  announce(line: Record<string, unknown>, after?: () => Promise<void>): void;
}

/**
 * @example
 * ```ts
 * const bench = await startBenchServer(dataDir, BENCH_POLICY, "policy.yaml");
 * bench.announce({ url: bench.server.url, key: await bench.key("bench-agent", "agent") });
 * ```
 */
export async function startBenchServer(
  dataDir: string,
  policy: string,
  policyName: string,
  workers = 1,
): Promise<BenchServer> {
  const policyFile = join(dataDir, policyName);
  await writeFile(policyFile, policy);
  const databaseUrl = process.env.LOOPGATE_DATABASE_URL;
  const options = {
    port: 0,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    policyFile,
    logLevel: "warn",
    config: { rateLimit: { perSecond: 0, burst: 0 } },
  };
  const server = workers > 1 ? await startCluster({ ...options, workers }) : await startServer(options);
  // Until the embedded store's writer thread has loaded (0.5–2.5 s, longer on a busy machine) its
  // commits are written on the event loop; a benchmark measures the steady state, not that start.
  if (server.deps.store instanceof SqliteStore) await server.deps.store.writerThreadReady();
  const deps = { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
  return {
    server,
    key: async (name, role) => (await createApiKey(server.deps.store, { name, role }, deps)).secret,
    person: async (name, role, password) =>
      void (await addUser(server.deps.store, { name, role, password, pii: false }, deps)),
    announce(line, after) {
      process.stdout.write(`${JSON.stringify({ ...line, engine: server.deps.store.engine })}\n`);
      process.once("SIGTERM", () => {
        void server
          .close()
          .then(after)
          .then(() => process.exit(0));
      });
    },
  };
}
