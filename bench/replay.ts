/**
 * bench/replay — `loopgate policy replay` over a large history (SPEC §5, issue 6: 1,000,000 stored
 * proposals replayed in under 20 s, with identical reports on identical inputs).
 *
 * Seeds the history with `bench/support/seed-history.ts` (proposals as `propose` stores them under the
 * 20-rule bench policy, half of the reviewed ones decided), then replays it twice with a candidate
 * `thresholds.auto` (which every proposal's twenty CEL rules are evaluated against) and checks that both
 * reports are the same.
 *
 *   npm run bench:replay -- [--proposals 1000000] [--engine sqlite|postgres] [--data-dir dir] [--workers auto|1|2]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replayCandidate, replayHistory } from "../packages/server/src/app/policy-replay.ts";
import { openStore } from "../packages/server/src/store/open-store.ts";
import { BENCH_POLICY } from "./support/bench-policy.ts";
import { table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import { seedOrReuse } from "./support/seed-history.ts";

const { values } = parseArgs({
  options: {
    proposals: { type: "string", default: "1000000" },
    engine: { type: "string", default: "sqlite" },
    "data-dir": { type: "string" },
    workers: { type: "string", default: "auto" },
  },
});
const total = Number(values.proposals);
const workers = values.workers === "auto" ? undefined : Number(values.workers);

await withBenchDatabase(values.engine === "postgres", async (env) => {
  // --data-dir keeps the seeded store (and reuses it when it already holds the proposals), so both
  // benchmarks can run on one seeding.
  const dataDir = values["data-dir"] ?? (await mkdtemp(join(tmpdir(), "loopgate-bench-replay-")));
  const databaseUrl = env.LOOPGATE_DATABASE_URL ?? process.env.LOOPGATE_DATABASE_URL ?? "";
  const store = await openStore(databaseUrl === "" ? { dataDir } : { dataDir, databaseUrl });
  try {
    const rate = await seedOrReuse(store, { total });
    const candidate = await replayCandidate(store, BENCH_POLICY);
    if (!candidate.ok) throw new Error("the bench policy does not load");
    const thresholds = { "support.reply": 0.8 };
    const runs: { seconds: number; cpuSeconds: number; json: string; load: string }[] = [];
    for (let run = 0; run < 2; run++) {
      const started = performance.now();
      // CPU of every thread of this process (the workers included): what the replay cost, whatever
      // share of the machine the neighbours left it.
      const cpu = process.cpuUsage();
      const report = await replayHistory(store, candidate.candidate, {
        since: null,
        thresholds,
        ...(workers === undefined ? {} : { workers }),
      });
      const used = process.cpuUsage(cpu);
      runs.push({
        seconds: (performance.now() - started) / 1000,
        cpuSeconds: (used.user + used.system) / 1e6,
        json: JSON.stringify(report),
        load: loadavg()[0]!.toFixed(1),
      });
    }
    const report = JSON.parse(runs[0]!.json);
    console.log(
      `${total} proposals stored (${store.engine}), ${rate === null ? "reused" : `seeded at ${Math.round(rate)}/s in bulk commits`}.\n`,
    );
    console.log(
      table(
        runs.map((r, i) => ({
          run: i + 1,
          seconds: r.seconds.toFixed(2),
          "proposals/s": Math.round(report.proposals / r.seconds),
          "CPU s (all threads)": r.cpuSeconds.toFixed(1),
          "CPU µs/proposal": Math.round((r.cpuSeconds * 1e6) / report.proposals),
          "load avg (1 min)": r.load,
          "auto before": report.totals.automationRate.before,
          "auto after": report.totals.automationRate.after,
          "newly automated": report.totals.newlyAutomated.count,
          "est. error": report.totals.newlyAutomated.estimatedErrorRate,
        })),
      ),
    );
    console.log(`\nidentical reports: ${runs[0]!.json === runs[1]!.json ? "yes" : "NO"}`);
    console.log(
      `\nnpm run bench:replay -- --proposals ${total} --engine ${values.engine} --workers ${values.workers}`,
    );
  } finally {
    await store.close();
    if (values["data-dir"] === undefined) await rm(dataDir, { recursive: true, force: true });
  }
});
