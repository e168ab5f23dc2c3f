/**
 * bench/metrics — `GET /v1/metrics` over a large history (SPEC §5, issue 6: under 100 ms with
 * 1,000,000 proposals stored).
 *
 * Seeds proposals spread over the last 30 days with `bench/support/seed-history.ts` — through
 * `store.commit`, so the rollups are built the way a running server builds them — half of the reviewed
 * ones claimed and decided by one of 8 reviewers, then times the API in-process over HTTP for typical
 * windows and filters.
 *
 *   npm run bench:metrics -- [--proposals 1000000] [--requests 30] [--engine sqlite|postgres] [--data-dir dir]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createApiKey } from "../packages/server/src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../packages/server/src/app/principal.ts";
import { startServer } from "../packages/server/src/http/start-server.ts";
import { openStore } from "../packages/server/src/store/open-store.ts";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import { seedOrReuse } from "./support/seed-history.ts";

const { values } = parseArgs({
  options: {
    proposals: { type: "string", default: "1000000" },
    requests: { type: "string", default: "30" },
    engine: { type: "string", default: "sqlite" },
    "data-dir": { type: "string" },
  },
});
const total = Number(values.proposals);
const requests = Number(values.requests);
const DAY = 86_400_000;
const now = Date.now();

await withBenchDatabase(values.engine === "postgres", async (env) => {
  // --data-dir keeps the seeded store (and reuses it when it already holds the proposals), so both
  // benchmarks can run on one seeding.
  const dataDir = values["data-dir"] ?? (await mkdtemp(join(tmpdir(), "loopgate-bench-metrics-")));
  const databaseUrl = env.LOOPGATE_DATABASE_URL ?? process.env.LOOPGATE_DATABASE_URL ?? "";
  const store = await openStore(databaseUrl === "" ? { dataDir } : { dataDir, databaseUrl });
  try {
    const rate = await seedOrReuse(store, { total, end: now });
    const server = await startServer({ port: 0, dataDir, store, logLevel: "silent" });
    try {
      const { secret } = await createApiKey(
        store,
        { name: "olivia", role: "owner", actions: null },
        { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR },
      );
      const queries = [
        ["last 24 h, hourly", ""],
        ["last 30 days, daily", `from=${new Date(now - 30 * DAY).toISOString()}&bucket=day`],
        [
          "30 days, daily, one type and agent",
          `from=${new Date(now - 30 * DAY).toISOString()}&bucket=day&actionType=billing.refund&agent=agent-6`,
        ],
        [
          "last 7 days, daily, one queue",
          `from=${new Date(now - 7 * DAY).toISOString()}&bucket=day&queue=support`,
        ],
        [
          "last 7 days, hourly, one reviewer",
          `from=${new Date(now - 7 * DAY).toISOString()}&reviewer=reviewer-2`,
        ],
      ] as const;
      const results: Record<string, string | number>[] = [];
      // Warm up (JIT, prepared statements, the connection) before anything is timed.
      for (const [, query] of queries) {
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`${server.url}/v1/metrics?${query}`, {
            headers: { authorization: `Bearer ${secret}` },
          });
          await res.arrayBuffer();
        }
      }
      for (const [name, query] of queries) {
        const latencies: number[] = [];
        let counted = { proposals: 0, decisions: 0 };
        for (let i = 0; i < requests; i++) {
          const started = performance.now();
          const res = await fetch(`${server.url}/v1/metrics?${query}`, {
            headers: { authorization: `Bearer ${secret}` },
          });
          const body = (await res.json()) as {
            totals: { proposals: number; decisions: Record<string, number> };
          };
          latencies.push(performance.now() - started);
          if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
          counted = {
            proposals: body.totals.proposals,
            decisions: Object.values(body.totals.decisions).reduce((a, b) => a + b, 0),
          };
        }
        const s = summarize(latencies);
        results.push({
          query: name,
          proposals: counted.proposals,
          decisions: counted.decisions,
          "p50 ms": s.p50.toFixed(1),
          "p99 ms": s.p99.toFixed(1),
          "load avg (1 min)": loadavg()[0]!.toFixed(1),
        });
      }
      console.log(
        `${total} proposals stored (${store.engine}), ${rate === null ? "reused" : `seeded at ${Math.round(rate)}/s in bulk commits`}.\n`,
      );
      console.log(table(results));
      console.log(
        `\nnpm run bench:metrics -- --proposals ${total} --requests ${requests} --engine ${values.engine}`,
      );
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
    if (values["data-dir"] === undefined) await rm(dataDir, { recursive: true, force: true });
  }
});
