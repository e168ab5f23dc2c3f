/**
 * bench/propose — the propose path over HTTP with keep-alive: 64 concurrent agents against the
 * 20-rule policy on a durable store.
 *
 * Two phases: closed loop (each of N connections sends its next proposal when the last is answered)
 * for throughput, then open loop at a fixed rate with latency counted from when each request was
 * due, so a stall shows as latency instead of hiding as lower load (no coordinated omission).
 *
 *   npm run bench:propose -- [--engine sqlite|postgres] [--connections 64] [--seconds 10] [--rate 5000]
 *
 * PostgreSQL: set LOOPGATE_DATABASE_URL, or pass --engine postgres to start a throwaway cluster.
 */
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { benchProposal } from "./support/bench-policy.ts";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import { spawnBenchServer } from "./support/spawn-server.ts";

const { values } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    connections: { type: "string", default: "64" },
    seconds: { type: "string", default: "10" },
    rate: { type: "string", default: "5000" },
    warmup: { type: "string", default: "2" },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const warmup = Number(values.warmup);

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const server = await spawnBenchServer(env);
  const pool = new Pool(server.url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  let sequence = 0;
  const post = async (): Promise<number> => {
    const i = sequence++;
    const { statusCode, body } = await pool.request({
      path: "/v1/proposals",
      method: "POST",
      headers: {
        authorization: `Bearer ${server.key}`,
        "content-type": "application/json",
        "idempotency-key": `b-${i}`,
      },
      body: JSON.stringify(benchProposal(i)),
    });
    await body.dump();
    return statusCode;
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
  await closed(warmup * 1000);
  const started = performance.now();
  const c = await closed(seconds * 1000);
  const closedRate = c.count / ((performance.now() - started) / 1000);

  // Open loop at a fixed rate, latency from each request's due time.
  const open = async (perSecond: number, durationMs: number) => {
    const total = Math.floor((perSecond * durationMs) / 1000);
    const latencies: number[] = [];
    let errors = 0;
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      inflight.push(
        post().then((status) => {
          if (status !== 201) errors++;
          latencies.push(performance.now() - due);
        }),
      );
    }
    await Promise.all(inflight);
    return { count: total, errors, achieved: total / ((performance.now() - t0) / 1000), latencies };
  };
  const o = await open(rate, seconds * 1000);
  await pool.close();
  await server.stop();

  const cs = summarize(c.latencies);
  const os = summarize(o.latencies);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `\nbench/propose — ${server.engine}, ${connections} connections, 20-rule policy, durable commits\n`,
  );
  console.log(
    table([
      {
        phase: `closed loop, ${connections} agents`,
        "proposals/s": Math.round(closedRate),
        requests: c.count,
        errors: c.errors,
        "p50 ms": f(cs.p50),
        "p99 ms": f(cs.p99),
        "max ms": f(cs.max),
      },
      {
        phase: `open loop at ${rate}/s`,
        "proposals/s": Math.round(o.achieved),
        requests: o.count,
        errors: o.errors,
        "p50 ms": f(os.p50),
        "p99 ms": f(os.p99),
        "max ms": f(os.max),
      },
    ]),
  );
  console.log(
    `\ncommand: npm run bench:propose -- --engine ${values.engine} --connections ${connections} --seconds ${seconds} --rate ${rate}`,
  );
});
