/**
 * bench/claim-next — a reviewer takes the next item from a large backlog (SPEC §9: claim-next p99 ≤ 5 ms
 * with 1,000,000 pending).
 *
 * Seeds `--pending` open reviews with `bench/support/seed-history.ts` (`pending: true`: proposals the
 * 20-rule bench policy sends to review, in bulk commits through the store's own write path, none decided;
 * the policy's SLAs are a year so nothing falls due during a run), then starts the server on that store in
 * its own process and, as one reviewer over keep-alive HTTP, repeats: ask for the next review
 * (`GET /v1/reviews?…&limit=1`, the server's "oldest due first" order), claim it
 * (`POST /v1/reviews/:id/claim`), then approve it (not timed; a refund, which needs two approvers, is then rejected) so the next ask
 * finds the next one.
 * Every other iteration instead takes the next review with one `POST /v1/reviews/claim-next` (the
 * endpoint: it claims the earliest due review nobody holds and answers it with its packet — more work
 * than list + claim, which load no packet); `--claim list` or `--claim next` runs only one of the two.
 * Two phases: `queue` asks for one queue (`queue=support`, as the app's queue filter does) and `all`
 * asks without a filter (the app's default inbox). Before the runs it prints the store's plan for each
 * list query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
 *
 *   npm run bench:claim-next -- [--pending 1000000] [--claims 2000] [--engine sqlite|postgres]
 *                               [--data-dir dir] [--phases queue,all] [--claim both|list|next]
 *
 * `--data-dir` keeps the seeded store and reuses it on the next run (each run decides `--claims` of
 * the backlog per phase, a rounding error at a million; give it a directory of its own, since one seeded
 * by bench/replay holds decided history, not a backlog — the "open at start" figure shows which). PostgreSQL: set LOOPGATE_DATABASE_URL, or pass
 * `--engine postgres` to start a throwaway cluster (seeded afresh each run).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { openStore } from "../packages/server/src/store/open-store.ts";
import { reviewListSql } from "../packages/server/src/store/review-list-sql.ts";
import type { SqlValue } from "../packages/server/src/store/rows.ts";
import type { SqlRunner } from "../packages/server/src/store/sql-runner.ts";
import type { Store } from "../packages/server/src/store/store.ts";
import { BENCH_POLICY } from "./support/bench-policy.ts";
import { HttpLoadClient } from "./support/http-client.ts";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import { cpuSince, processTree, threadCpu, totalMs } from "./support/process-cpu.ts";
import { seedOrReuse } from "./support/seed-history.ts";
import { SERVER_NODE_FLAGS } from "./support/server-node-flags.ts";

const { values } = parseArgs({
  options: {
    pending: { type: "string", default: "1000000" },
    claims: { type: "string", default: "2000" },
    warmup: { type: "string", default: "2000" },
    engine: { type: "string", default: "sqlite" },
    "data-dir": { type: "string" },
    phases: { type: "string", default: "queue,all" },
    claim: { type: "string", default: "both" },
  },
});
const pending = Number(values.pending);
const claims = Number(values.claims);
const warmup = Number(values.warmup);
const phases = values.phases.split(",").filter((p) => p === "queue" || p === "all");
const flows = values.claim === "list" ? ["list"] : values.claim === "next" ? ["next"] : ["list", "next"];

/** The bench policy with every SLA a year long: a seeded backlog must not fall due mid-run. */
const CLAIM_NEXT_POLICY = BENCH_POLICY.replace(/sla: \d+h/g, "sla: 365d");

const LIST_PATH = { queue: "/v1/reviews?queue=support&limit=1", all: "/v1/reviews?limit=1" } as const;
const CLAIM_NEXT_BODY = {
  queue: '{"queue":"support","leaseSeconds":300}',
  all: '{"leaseSeconds":300}',
} as const;

/** The list query `SqlStore.listReviews` runs for each phase (no cursor), with its parameters. */
function listQuery(
  phase: "queue" | "all",
  engine: "sqlite" | "postgres",
): { sql: string; params: SqlValue[] } {
  const statuses = ["pending", "escalated"];
  return reviewListSql(
    "default",
    phase === "queue" ? { statuses, queues: ["support"] } : { statuses },
    null,
    2,
    "*",
    engine,
  );
}

/** The store's plan for each phase's list query, and how long the query alone takes in-process. */
async function plans(store: Store): Promise<string> {
  // The bench reads the plan through the store's own connection (a protected member).
  const reader = (store as unknown as { reader: SqlRunner }).reader;
  const out: string[] = [];
  for (const phase of phases) {
    const { sql, params } = listQuery(phase, store.engine);
    const explain =
      store.engine === "postgres" ? `EXPLAIN (ANALYZE, BUFFERS) ${sql}` : `EXPLAIN QUERY PLAN ${sql}`;
    const rows = await reader.all(explain, params);
    const lines = rows.map((r) => String(r["QUERY PLAN"] ?? r.detail));
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await reader.all(sql, params);
      times.push(performance.now() - t0);
    }
    out.push(
      `${phase} — ${sql}\n  query alone in-process, best of 5: ${Math.min(...times).toFixed(2)} ms\n` +
        lines.map((l) => `    ${l}`).join("\n"),
    );
  }
  return out.join("\n\n");
}

interface ServerInfo {
  url: string;
  reviewerKey: string;
  engine: string;
}

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const dataDir = values["data-dir"] ?? (await mkdtemp(join(tmpdir(), "loopgate-bench-claim-next-")));
  const databaseUrl = env.LOOPGATE_DATABASE_URL ?? process.env.LOOPGATE_DATABASE_URL ?? "";
  const store = await openStore(databaseUrl === "" ? { dataDir } : { dataDir, databaseUrl });
  let rate: number | null;
  let plan: string;
  try {
    rate = await seedOrReuse(store, { total: pending, pending: true }, CLAIM_NEXT_POLICY);
    // Statistics as autovacuum would have them shortly after a bulk load, so the plan is the steady one.
    if (store.engine === "postgres")
      await (store as unknown as { reader: SqlRunner }).reader.run("ANALYZE", []);
    plan = await plans(store);
  } finally {
    await store.close();
  }

  const child = spawn(
    process.execPath,
    [
      // The node flags `loopgate` runs with (its young generation), so the server runs as `npx loopgate
      // serve` would; then BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof", as for bench/propose.
      ...SERVER_NODE_FLAGS,
      ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
      "--import",
      "tsx",
      new URL("./support/claim-next-server.ts", import.meta.url).pathname,
    ],
    {
      env: { ...process.env, ...env, CLAIM_NEXT_DATA_DIR: dataDir, CLAIM_NEXT_POLICY },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    // The server's first JSON line says where it listens; anything else it prints (such as
    // `--trace-gc` lines from BENCH_SERVER_NODE_ARGS) goes to stderr, marked.
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line.startsWith("{")) resolve(line);
        else process.stderr.write(`[server] ${line}\n`);
      });
      child.once("exit", (code) => reject(new Error(`claim-next server exited with ${code}`)));
    });
    const server = JSON.parse(first) as ServerInfo;
    const client = await HttpLoadClient.open(server.url, 1);
    const auth = `Authorization: Bearer ${server.reviewerKey}\r\n`;
    const summary = await client.request("GET", "/v1/reviews/summary", auth);
    const open = (JSON.parse(summary.body) as { items: { open: number }[] }).items.reduce(
      (n, q) => n + q.open,
      0,
    );

    const rows: Record<string, string | number>[] = [];
    for (const phase of phases) {
      const steps = {
        total: [] as number[],
        list: [] as number[],
        claim: [] as number[],
        next: [] as number[],
      };
      let cpu = new Map<string, number>();
      let pids: number[] = [];
      let before = new Map<string, number>();
      for (let i = 0; i < warmup + claims; i++) {
        if (i === warmup) {
          pids = processTree(child.pid!);
          before = threadCpu(pids);
        }
        const flow = flows[i % flows.length];
        const t0 = performance.now();
        let item: { id: string } | undefined;
        let t1 = t0;
        if (flow === "next") {
          const next = await client.request("POST", "/v1/reviews/claim-next", auth, CLAIM_NEXT_BODY[phase]);
          t1 = performance.now();
          if (next.status !== 200) throw new Error(`claim-next: ${next.status} ${next.body}`);
          item = (JSON.parse(next.body) as { review: { id: string } | null }).review ?? undefined;
          if (item === undefined) throw new Error("the backlog ran dry: raise --pending");
          if (i >= warmup) steps.next.push(t1 - t0);
        } else {
          const listed = await client.request("GET", LIST_PATH[phase], auth);
          t1 = performance.now();
          if (listed.status !== 200) throw new Error(`list: ${listed.status} ${listed.body}`);
          item = (JSON.parse(listed.body) as { items: { id: string }[] }).items[0];
          if (item === undefined) throw new Error("the backlog ran dry: raise --pending");
          const claimed = await client.request(
            "POST",
            `/v1/reviews/${item.id}/claim`,
            auth,
            '{"leaseSeconds":300}',
          );
          const t2 = performance.now();
          if (claimed.status !== 200) throw new Error(`claim: ${claimed.status} ${claimed.body}`);
          if (i >= warmup) {
            steps.total.push(t2 - t0);
            steps.list.push(t1 - t0);
            steps.claim.push(t2 - t1);
          }
        }
        const decided = await client.request(
          "POST",
          `/v1/reviews/${item.id}/decisions`,
          auth,
          '{"verdict":"approve"}',
        );
        if (decided.status !== 201) throw new Error(`decide: ${decided.status} ${decided.body}`);
        // A refund needs two approvals; one leaves the review open, so the same reviewer rejects it.
        if (/"reviewStatus":"(pending|escalated)"/.test(decided.body)) {
          const closed = await client.request(
            "POST",
            `/v1/reviews/${item.id}/decisions`,
            auth,
            '{"verdict":"reject"}',
          );
          if (closed.status !== 201) throw new Error(`reject: ${closed.status} ${closed.body}`);
        }
      }
      cpu = cpuSince(before, threadCpu(pids));
      const ms = (n: number) => n.toFixed(2);
      for (const [step, list] of [
        ["list + claim", steps.total],
        ["list (limit 1)", steps.list],
        ["claim", steps.claim],
        ["claim-next (with packet)", steps.next],
      ] as const) {
        if (list.length === 0) continue;
        const s = summarize(list);
        rows.push({
          phase: `${phase} (${LIST_PATH[phase]})`,
          step,
          "p50 ms": ms(s.p50),
          "p90 ms": ms(s.p90),
          "p99 ms": ms(s.p99),
          "max ms": ms(s.max),
          "server CPU µs/iteration":
            rows.at(-1)?.phase === `${phase} (${LIST_PATH[phase]})`
              ? ""
              : Math.round((totalMs(cpu) * 1000) / claims),
        });
      }
    }
    client.close();

    process.stdout.write(
      `\nbench/claim-next — ${server.engine}, ${pending} pending reviews ` +
        `(${rate === null ? "reused" : `seeded at ${Math.round(rate)}/s in bulk commits`}; ${open} open at start), ` +
        `${claims} claims per phase by one reviewer after ${warmup} warm-up; load ${loadavg()[0]!.toFixed(2)}\n\n`,
    );
    process.stdout.write(`${table(rows)}\n`);
    process.stdout.write(
      "\nServer CPU per iteration (on each phase's first row) covers the iterations of both flows and the\n" +
        "(untimed) approval that moves the queue on.\n",
    );
    process.stdout.write(`\nList query plans (${server.engine}):\n\n${plan}\n`);
    const dir = values["data-dir"] === undefined ? "" : ` --data-dir ${values["data-dir"]}`;
    process.stdout.write(
      `\ncommand: npm run bench:claim-next -- --pending ${pending} --claims ${claims} --engine ${values.engine}` +
        ` --phases ${phases.join(",")} --claim ${values.claim}${dir}\n`,
    );
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    if (values["data-dir"] === undefined) await rm(dataDir, { recursive: true, force: true });
  }
});
