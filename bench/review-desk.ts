/**
 * bench/review-desk — how fast a reviewer moves through the queue with 10,000 pending items.
 *
 * A scripted reviewer makes exactly the calls the reviewer app makes, over HTTP with a session cookie
 * and the CSRF token: refresh the inbox (`GET /v1/reviews?limit=200` and `/v1/reviews/summary`, as
 * after every change event), claim the next review, load its packet (`GET /v1/proposals/:id`) and the
 * entity's history (`GET /v1/proposals?entity=`), then approve with the packet hash. One iteration —
 * "load the next item and decide" — is timed from the inbox refresh to the decision's answer. The
 * queue is topped up so at least `--pending` items wait throughout.
 *
 *   npm run bench:review-desk -- [--engine sqlite|postgres] [--pending 10000] [--decisions 300]
 *
 * PostgreSQL: set LOOPGATE_DATABASE_URL, or pass --engine postgres to start a throwaway cluster.
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import { SERVER_NODE_FLAGS } from "./support/server-node-flags.ts";

const { values } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    pending: { type: "string", default: "10000" },
    decisions: { type: "string", default: "300" },
    warmup: { type: "string", default: "20" },
  },
});
const pending = Number(values.pending);
const decisions = Number(values.decisions);
const warmup = Number(values.warmup);

/** The few fields of the API's answers the scripted reviewer reads. */
interface Answer {
  items: { id: string; open: number }[];
  proposalId: string;
  context: { entity: string };
  packetHash: string;
}

interface ServerInfo {
  url: string;
  agentKey: string;
  name: string;
  password: string;
  engine: string;
}

function proposal(i: number) {
  const refund = i % 4 === 0;
  return {
    action: refund
      ? { type: "billing.refund", payload: { amount: 10 + (i % 90), customerId: `c_${i % 500}` } }
      : {
          type: "support.reply",
          payload: { to: `customer${i}@example.com`, body: `Reply number ${i}: your card ships today.` },
        },
    request: { text: `Customer message ${i}: where is my card?`, channel: "email" },
    summary: refund ? `Refund order ${i}` : `Reply to customer ${i}`,
    evidence: [
      { source: "kb", id: `kb-${i % 50}`, snippet: "Cards ship within 5 working days.", score: 0.8 },
    ],
    signals: { agentConfidence: 0.7 },
    context: { entity: `customer:c_${i % 500}` },
  };
}

async function seed(server: ServerInfo, from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  const worker = async () => {
    while (next < end) {
      const i = next++;
      const response = await fetch(`${server.url}/v1/proposals`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.agentKey}`, "content-type": "application/json" },
        body: JSON.stringify(proposal(i)),
      });
      if (response.status !== 201) throw new Error(`seeding: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const child = spawn(
    process.execPath,
    // The node flags `loopgate` runs with, so the server runs as `npx loopgate serve` would.
    [
      ...SERVER_NODE_FLAGS,
      "--import",
      "tsx",
      new URL("./support/review-desk-server.ts", import.meta.url).pathname,
    ],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const server = JSON.parse(first) as ServerInfo;
  try {
    const seedStart = performance.now();
    await seed(server, 0, pending + warmup + decisions);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const signIn = await fetch(`${server.url}/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ name: server.name, password: server.password }),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const read = { cookie };
    const write = {
      cookie,
      origin: server.url,
      "x-csrf-token": csrfToken,
      "content-type": "application/json",
    };
    const get = async (path: string) => {
      const response = await fetch(server.url + path, { headers: read });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Answer>;
    };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(server.url + path, {
        method: "POST",
        headers: write,
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<Answer>;
    };

    const steps = {
      inbox: [] as number[],
      claim: [] as number[],
      packet: [] as number[],
      history: [] as number[],
      decide: [] as number[],
    };
    const totals: number[] = [];
    let openAtEnd = 0;
    for (let i = 0; i < warmup + decisions; i++) {
      const t0 = performance.now();
      const [page, summary] = await Promise.all([get("/v1/reviews?limit=200"), get("/v1/reviews/summary")]);
      const t1 = performance.now();
      const item = page.items[0];
      if (item === undefined) throw new Error("the queue ran dry: raise --pending");
      const claimed = await post(`/v1/reviews/${item.id}/claim`, { leaseSeconds: 300 });
      const t2 = performance.now();
      const packet = await get(`/v1/proposals/${claimed.proposalId}`);
      const t3 = performance.now();
      await get(`/v1/proposals?entity=${encodeURIComponent(packet.context.entity)}&limit=10`);
      const t4 = performance.now();
      await post(`/v1/reviews/${item.id}/decisions`, { verdict: "approve", packetHash: packet.packetHash });
      const t5 = performance.now();
      openAtEnd = summary.items.reduce((n, q) => n + q.open, 0);
      if (i < warmup) continue;
      steps.inbox.push(t1 - t0);
      steps.claim.push(t2 - t1);
      steps.packet.push(t3 - t2);
      steps.history.push(t4 - t3);
      steps.decide.push(t5 - t4);
      totals.push(t5 - t0);
    }

    const ms = (n: number) => n.toFixed(1);
    const row = (name: string, list: number[]) => {
      const s = summarize(list);
      return { step: name, p50_ms: ms(s.p50), p90_ms: ms(s.p90), p99_ms: ms(s.p99), max_ms: ms(s.max) };
    };
    process.stdout.write(
      `\nbench/review-desk: ${decisions} decisions by one scripted reviewer (session + CSRF), ${server.engine} store, ` +
        `>= ${pending} pending (${openAtEnd} open at the last refresh); seeded in ${seedSeconds.toFixed(1)} s; load ${loadavg()[0]!.toFixed(2)}\n\n`,
    );
    process.stdout.write(
      `${table([
        row("load next item and decide (total)", totals),
        row("inbox refresh (reviews + summary)", steps.inbox),
        row("claim", steps.claim),
        row("packet (GET proposal)", steps.packet),
        row("entity history", steps.history),
        row("decide (approve + packetHash)", steps.decide),
      ])}\n`,
    );
    process.stdout.write(
      `\ncommand: npm run bench:review-desk -- --engine ${values.engine} --pending ${pending} --decisions ${decisions}\n`,
    );
  } finally {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
});
