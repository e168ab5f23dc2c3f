/**
 * bench/compare — the propose benchmark on this tree and on another commit, alternated, so a change is
 * judged against its base in the same minutes of a shared machine (where consecutive runs of one build
 * differ by ±10 %).
 *
 *   npm run bench:compare -- --base <commit> [--head <commit>] [--bench propose|approval-cycle] [--rounds 3] [--seconds 10]
 *                            [--workers N] [--rate N]
 *
 * Checks the base out in a temporary `git worktree` whose node_modules links to this tree's (except the
 * workspace packages, which must be the base's own), runs `bench:propose` closed loop (or
 * `bench:approval-cycle` with claim-next) in each tree in turn, prints each run and the medians, and removes the worktree. With `--head`, that commit is
 * checked out the same way and compared instead of this tree (uncommitted work is left out). `--workers N`
 * runs the propose benchmark against `serve --workers N` (its event-loop column is then the first
 * process's, and the writer column the busiest other thread's). `--rate N` runs the propose
 * benchmark's open loop at N proposals a second instead of its closed loop, to compare latency (p99)
 * at a fixed offered load rather than throughput.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    base: { type: "string" },
    head: { type: "string" },
    bench: { type: "string", default: "propose" },
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    workers: { type: "string" },
    rate: { type: "string" },
  },
});
if (values.base === undefined) {
  console.error(
    "usage: npm run bench:compare -- --base <commit> [--head <commit>] [--bench propose|approval-cycle] [--rounds 3] [--seconds 10] [--workers N] [--rate N]",
  );
  process.exit(2);
}
if (values.bench !== "propose" && values.bench !== "approval-cycle") {
  console.error(`--bench is propose or approval-cycle, not "${values.bench}"`);
  process.exit(2);
}
const cycle = values.bench === "approval-cycle";
/** With --rate, the propose benchmark's open loop at that offered rate instead of its closed loop. */
const rate = values.rate === undefined ? null : Number(values.rate);
if (rate !== null && (cycle || !Number.isInteger(rate) || rate <= 0)) {
  console.error("--rate is a positive whole number of proposals a second, for --bench propose");
  process.exit(2);
}
const root = resolve(new URL("..", import.meta.url).pathname);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

interface Run {
  round: number;
  build: string;
  perSecond: number;
  p99: number;
  serverCpu: number;
  eventLoop: number;
  writer: number;
  load: number;
}

/** A worktree of `ref` that runs with this tree's installed packages. */
function worktreeOf(ref: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "loopgate-compare-")), "tree");
  execFileSync("git", ["-C", root, "worktree", "add", "--detach", dir, ref], { stdio: "ignore" });
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@loopgate"), { recursive: true });
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry !== "@loopgate") symlinkSync(join(root, "node_modules", entry), join(modules, entry));
  }
  for (const pkg of readdirSync(join(dir, "packages"))) {
    symlinkSync(join(dir, "packages", pkg), join(modules, "@loopgate", pkg));
  }
  return dir;
}

/** One run in `dir` — bench/propose closed loop, or the approval cycle — read from the tables it prints. */
function benchIn(dir: string, round: number, build: string): Run {
  const args = cycle
    ? ["run", "bench:approval-cycle", "--", "--engine", "sqlite", "--agents", "64", "--reviewers", "16"]
    : ["run", "bench:propose", "--", "--engine", "sqlite", "--connections", "64"];
  if (!cycle)
    args.push(...(rate === null ? ["--phases", "closed"] : ["--phases", "open", "--rate", String(rate)]));
  if (!cycle && values.workers !== undefined) args.push("--workers", values.workers);
  const out = spawnSync("npm", [...args, "--seconds", String(seconds)], { cwd: dir, encoding: "utf8" });
  const rows = out.stdout.split("\n").map((line) => line.split("|").map((cell) => cell.trim()));
  // The summary row, then one row per server thread (`pid/main` is the event loop), as
  // [label, thread, µs]: the approval cycle's thread rows have no phase column.
  const summary = cycle
    ? rows.find((row) => /^\d+$/.test(row[1] ?? "") && /^\d+$/.test(row[2] ?? ""))
    : rows.find(
        (row) => row[1]?.startsWith(rate === null ? "closed loop" : "open loop") && !/\//.test(row[2] ?? ""),
      );
  const threads = rows
    .filter((row) => /^\d+\/(main|\d+)$/.test(row[cycle ? 1 : 2] ?? ""))
    .map((row) => (cycle ? [row[1]!, row[2]!] : [row[2]!, row[3]!]));
  if (summary === undefined) throw new Error(`the benchmark printed no result in ${dir}:\n${out.stderr}`);
  const us = (row: string[] | undefined) => Number(row?.[1] ?? Number.NaN);
  const others = threads.filter((row) => !row[0]?.endsWith("/main")).map(us);
  return {
    round,
    build,
    perSecond: Number(summary[cycle ? 1 : 2]),
    p99: Number(summary[cycle ? 5 : 6]),
    serverCpu: Number(summary[cycle ? 7 : 8]),
    eventLoop: us(threads.find((row) => row[0]?.endsWith("/main"))),
    writer: others.length === 0 ? Number.NaN : Math.max(...others),
    load: Number(summary[10]),
  };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  // An even count averages two runs: one decimal, not the float's noise (28.950000000000003).
  return Math.round(value * 10) / 10;
};

const baseDir = worktreeOf(values.base);
const headDir = values.head === undefined ? root : worktreeOf(values.head);
const headName = values.head === undefined ? "this tree" : `head ${values.head}`;
const runs: Run[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    for (const [build, dir] of [
      [`base ${values.base}`, baseDir],
      [headName, headDir],
    ] as const) {
      const run = benchIn(dir, round, build);
      runs.push(run);
      console.error(`round ${round}, ${build}: ${run.perSecond}/s, ${run.serverCpu} µs`);
    }
  }
} finally {
  for (const dir of headDir === root ? [baseDir] : [baseDir, headDir]) {
    execFileSync("git", ["-C", root, "worktree", "remove", "--force", dir], { stdio: "ignore" });
    rmSync(resolve(dir, ".."), { recursive: true, force: true });
  }
}

const unit = cycle ? "cycle" : "proposal";
const header = `| round | build | load avg | ${unit}s/s | p99 ms | server CPU µs/${unit} | event loop | writer thread |`;
console.log(`${header}\n| --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const r of runs) {
  console.log(
    `| ${r.round} | ${r.build} | ${r.load} | ${r.perSecond} | ${r.p99} | ${r.serverCpu} | ${r.eventLoop} | ${r.writer} |`,
  );
}
for (const build of [...new Set(runs.map((r) => r.build))]) {
  const of = runs.filter((r) => r.build === build);
  const m = (pick: (r: Run) => number) => median(of.map(pick));
  console.log(
    `| median | ${build} | | ${m((r) => r.perSecond)} | ${m((r) => r.p99)} | ${m((r) => r.serverCpu)} | ${m((r) => r.eventLoop)} | ${m((r) => r.writer)} |`,
  );
}
console.log(
  `\ncommand: npm run bench:compare -- --base ${values.base}${values.head === undefined ? "" : ` --head ${values.head}`} --bench ${values.bench} --rounds ${rounds} --seconds ${seconds}${values.workers === undefined ? "" : ` --workers ${values.workers}`}${rate === null ? "" : ` --rate ${rate}`}`,
);
