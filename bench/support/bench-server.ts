/**
 * The server side of a benchmark, run as its own process so the load generator does not share its
 * event loop: starts Loopgate on a fresh store with the 20-rule policy, creates an agent key and
 * prints `{ url, key, reviewerKeys }` as one JSON line. `BENCH_WORKERS=N` starts it as
 * `loopgate serve --workers N` does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_POLICY } from "./bench-policy.ts";
import { startBenchServer } from "./start-bench-server.ts";

const dataDir = await mkdtemp(join(tmpdir(), "loopgate-bench-"));
const bench = await startBenchServer(
  dataDir,
  BENCH_POLICY,
  "policy.yaml",
  Number(process.env.BENCH_WORKERS ?? "1"),
);
const key = await bench.key("bench-agent", "agent");
// BENCH_REVIEWERS=N creates N reviewer keys (default 2) for benchmarks that decide as several people.
const reviewerKeys: string[] = [];
for (let i = 0; i < Number(process.env.BENCH_REVIEWERS ?? "2"); i++) {
  reviewerKeys.push(await bench.key(`rev-${i}`, "reviewer"));
}
bench.announce({ url: bench.server.url, key, reviewerKeys }, () =>
  rm(dataDir, { recursive: true, force: true }),
);
