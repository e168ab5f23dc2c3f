/**
 * bench/propose — the propose path over HTTP with keep-alive: 64 concurrent agents against the
 * 20-rule policy on a durable store.
 *
 * Two phases: closed loop (each of N connections sends its next proposal when the last is answered)
 * for throughput, then open loop at a fixed rate with latency counted from when each request was
 * due, so a stall shows as latency instead of hiding as lower load (no coordinated omission).
 *
 * Besides wall-clock figures it reports the CPU each proposal cost, per server thread, for this
 * load generator and for the whole machine (kernel and idle included): on a shared machine throughput
 * moves with the neighbours' load, CPU per proposal much less.
 *
 *   npm run bench:propose -- [--engine sqlite|postgres] [--workers N] [--connections 64] [--seconds 10]
 *                            [--rate 5000] [--phases closed,open] [--client raw|undici]
 *
 * The default client is a minimal keep-alive HTTP/1.1 client (support/http-client.ts) that costs the
 * shared cores far less than undici; `--client undici` uses undici's Pool (pipelining off) instead.
 *
 * PostgreSQL: set LOOPGATE_DATABASE_URL, or pass --engine postgres to start a throwaway cluster.
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { benchBody } from "./support/bench-policy.ts";
import { HttpLoadClient } from "./support/http-client.ts";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import {
  cpuSince,
  type MachineCpu,
  machineCpu,
  machineSince,
  processTree,
  type ThreadCpu,
  threadCpu,
  totalMs,
} from "./support/process-cpu.ts";
import { spawnBenchServer } from "./support/spawn-server.ts";

const { values } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    workers: { type: "string" },
    connections: { type: "string", default: "64" },
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "5000" },
    warmup: { type: "string", default: "2" },
    phases: { type: "string", default: "closed,open" },
    client: { type: "string", default: "raw" },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const warmup = Number(values.warmup);
const phases = new Set(values.phases.split(","));

interface PhaseResult {
  phase: string;
  count: number;
  errors: number;
  perSecond: number;
  latencies: number[];
  serverCpu: ThreadCpu;
  clientCpuMs: number;
  /** The whole machine over the phase (every process, the kernel, idle). */
  machine: MachineCpu;
  load: number;
}

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const server = await spawnBenchServer(
    values.workers === undefined ? env : { ...env, BENCH_WORKERS: values.workers },
  );
  const authorization = `Bearer ${server.key}`;
  let sequence = 0;
  let post: () => Promise<number>;
  let closeClient: () => Promise<void>;
  if (values.client === "undici") {
    const pool = new Pool(server.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    post = async () => {
      const i = sequence++;
      // A new headers object each time: undici reads it when the request is dispatched, which may be
      // after the next call when every connection is busy.
      const { statusCode, body } = await pool.request({
        path: "/v1/proposals",
        method: "POST",
        headers: { authorization, "content-type": "application/json", "idempotency-key": `b-${i}` },
        body: benchBody(i),
      });
      await body.dump();
      return statusCode;
    };
    closeClient = () => pool.close();
  } else {
    const client = await HttpLoadClient.open(server.url, connections);
    const auth = `Authorization: ${authorization}\r\n`;
    post = () => {
      const i = sequence++;
      return client.post("/v1/proposals", `${auth}Idempotency-Key: b-${i}\r\n`, benchBody(i));
    };
    closeClient = async () => client.close();
  }

  /** Runs `load` while counting the server's and this process's CPU. */
  const measured = async (
    phase: string,
    load: () => Promise<{ count: number; errors: number; latencies: number[] }>,
  ): Promise<PhaseResult> => {
    const pids = processTree(server.child.pid!);
    const serverBefore = threadCpu(pids);
    const clientBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const started = performance.now();
    const result = await load();
    const elapsed = (performance.now() - started) / 1000;
    const client = process.cpuUsage(clientBefore);
    const machine = machineSince(machineBefore, machineCpu());
    return {
      phase,
      ...result,
      perSecond: result.count / elapsed,
      serverCpu: cpuSince(serverBefore, threadCpu(pids)),
      clientCpuMs: (client.user + client.system) / 1000,
      machine,
      load: loadavg()[0]!,
    };
  };

  /**
   * The SQLite writer thread needs a moment to load (much longer on a loaded machine); until then the
   * event loop writes the batches itself, which would count the writes against the wrong thread. Warms
   * up on, a second at a time (at most 20), until two seconds in a row show a non-main thread busy at
   * 35 % or more of the event loop's CPU: the writer at work (V8's helper threads stay well below).
   */
  const untilWriterThreadWrites = async () => {
    const pid = server.child.pid!;
    let inARow = 0;
    for (let second = 0; second < 20 && inARow < 2; second++) {
      const before = threadCpu([pid]);
      await closed(1000);
      const spent = cpuSince(before, threadCpu([pid]));
      const main = spent.get(`${pid}/main`) ?? 0;
      const busiest = Math.max(
        0,
        ...[...spent].filter(([name]) => !name.endsWith("/main")).map(([, ms]) => ms),
      );
      inARow = main > 0 && busiest >= 0.35 * main ? inARow + 1 : 0;
    }
  };

  // Closed loop: throughput at `connections` concurrent agents.
  const closed = async (durationMs: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const end = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const start = performance.now();
          const status = await post();
          if (status !== 201) errors++;
          latencies.push(performance.now() - start);
        }
      }),
    );
    return { count: latencies.length, errors, latencies };
  };

  // Open loop at a fixed rate, latency from each request's due time.
  const open = async (perSecond: number, durationMs: number) => {
    const total = Math.floor((perSecond * durationMs) / 1000);
    const latencies: number[] = [];
    let errors = 0;
    // Requests are counted as they finish rather than kept in a list of promises: holding 50,000 of
    // them made the load generator's garbage collector work for every one (CPU the server shares).
    let finished = 0;
    let failure: unknown = null;
    let allDone = () => {};
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    const settle = () => {
      finished += 1;
      if (finished === total) allDone();
    };
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      post().then(
        (status) => {
          if (status !== 201) errors++;
          latencies.push(performance.now() - due);
          settle();
        },
        (error: unknown) => {
          failure ??= error;
          settle();
        },
      );
    }
    if (total > 0) await done;
    if (failure !== null) throw failure;
    return { count: total, errors, latencies };
  };

  await closed(warmup * 1000);
  if (server.engine === "sqlite" && values.workers === undefined) await untilWriterThreadWrites();
  const results: PhaseResult[] = [];
  if (phases.has("closed"))
    results.push(await measured(`closed loop, ${connections} agents`, () => closed(seconds * 1000)));
  if (phases.has("open"))
    results.push(await measured(`open loop at ${rate}/s`, () => open(rate, seconds * 1000)));
  await closeClient();
  await server.stop();

  const f = (n: number) => n.toFixed(1);
  const us = (ms: number, count: number) => Math.round((ms * 1000) / count);
  const workers = values.workers === undefined ? "" : `, ${values.workers} HTTP worker(s)`;
  console.log(
    `\nbench/propose — ${server.engine}${workers}, ${connections} connections, 20-rule policy, durable commits\n`,
  );
  console.log(
    table(
      results.map((r) => {
        const s = summarize(r.latencies);
        return {
          phase: r.phase,
          "proposals/s": Math.round(r.perSecond),
          requests: r.count,
          errors: r.errors,
          "p50 ms": f(s.p50),
          "p99 ms": f(s.p99),
          "max ms": f(s.max),
          "server CPU µs/proposal": us(totalMs(r.serverCpu), r.count),
          "client CPU µs/proposal": us(r.clientCpuMs, r.count),
          "load avg (1 min)": r.load.toFixed(2),
        };
      }),
    ),
  );
  console.log(
    "\nServer CPU µs per proposal, by thread (pid/main is a process's event loop; the busiest other thread of the first process is the SQLite writer):\n",
  );
  console.log(
    table(
      results.flatMap((r) =>
        [...r.serverCpu.entries()]
          .filter(([, ms]) => us(ms, r.count) > 0)
          .sort((a, b) => b[1] - a[1])
          .map(([thread, ms]) => ({ phase: r.phase, thread, "µs/proposal": us(ms, r.count) })),
      ),
    ),
  );
  const cores = availableParallelism();
  console.log(
    `\nThe whole machine during each phase (/proc/stat, ${cores} cores: every process and the kernel, µs per proposal; busy is the share of all cores' time, user code, system calls and interrupts):\n`,
  );
  console.log(
    table(
      results.map((r) => {
        const m = r.machine;
        const busy = m.user + m.system + m.interrupts;
        const all = busy + m.idle + m.steal;
        return {
          phase: r.phase,
          "cores busy": all > 0 ? `${((100 * busy) / all).toFixed(0)} %` : "n/a",
          user: us(m.user, r.count),
          "kernel (system calls)": us(m.system, r.count),
          "interrupts (incl. softirq)": us(m.interrupts, r.count),
          "idle (incl. iowait)": us(m.idle, r.count),
          steal: us(m.steal, r.count),
        };
      }),
    ),
  );
  const flags = [
    `--engine ${values.engine}`,
    values.workers === undefined ? "" : `--workers ${values.workers}`,
    `--connections ${connections} --seconds ${seconds} --rate ${rate}`,
    values.client === "raw" ? "" : `--client ${values.client}`,
  ].filter(Boolean);
  console.log(`\ncommand: npm run bench:propose -- ${flags.join(" ")}`);
});
