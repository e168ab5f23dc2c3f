/**
 * The server side of a benchmark, run as its own process so the load generator does not share its
 * event loop: starts Loopgate on a fresh store with the 20-rule policy, creates an agent key and
 * prints `{ url, key, reviewerKeys }` as one JSON line. `BENCH_WORKERS=N` starts it as
 * `loopgate serve --workers N` does.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../../packages/server/src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../../packages/server/src/app/principal.ts";
import { startCluster } from "../../packages/server/src/cluster/start-cluster.ts";
import { startServer } from "../../packages/server/src/http/start-server.ts";
import { BENCH_POLICY } from "./bench-policy.ts";

const dataDir = await mkdtemp(join(tmpdir(), "loopgate-bench-"));
const policyFile = join(dataDir, "policy.yaml");
await writeFile(policyFile, BENCH_POLICY);
const databaseUrl = process.env.LOOPGATE_DATABASE_URL;
const options = {
  port: 0,
  dataDir,
  ...(databaseUrl ? { databaseUrl } : {}),
  policyFile,
  logLevel: "warn",
  // The 64 simulated agents share one key; a per-key limit would measure the limiter, not the path.
  config: { rateLimit: { perSecond: 0, burst: 0 } },
};
const workers = Number(process.env.BENCH_WORKERS ?? "1");
const server = workers > 1 ? await startCluster({ ...options, workers }) : await startServer(options);
const deps = { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
const agent = await createApiKey(server.deps.store, { name: "bench-agent", role: "agent" }, deps);
const reviewerKeys: string[] = [];
// BENCH_REVIEWERS=N creates N reviewer keys (default 2) for benchmarks that decide as several people.
const reviewerCount = Number(process.env.BENCH_REVIEWERS ?? "2");
for (const name of Array.from({ length: reviewerCount }, (_, i) => `rev-${i}`)) {
  reviewerKeys.push((await createApiKey(server.deps.store, { name, role: "reviewer" }, deps)).secret);
}
process.stdout.write(
  `${JSON.stringify({ url: server.url, key: agent.secret, reviewerKeys, engine: server.deps.store.engine })}\n`,
);
process.on("SIGTERM", () => {
  void server
    .close()
    .then(() => rm(dataDir, { recursive: true, force: true }))
    .then(() => process.exit(0));
});
