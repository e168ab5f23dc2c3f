/**
 * The server side of bench/review-desk: Loopgate on a fresh store with a two-queue support policy,
 * an agent key and a reviewer who signs in with a password. Prints `{ url, agentKey, name, password,
 * engine }` as one JSON line; on SIGTERM stops and removes its data directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchServer } from "./start-bench-server.ts";

export const DESK_BENCH_POLICY = `version: 1
defaults: { route: review, review: { sla: 8h, onExpiry: escalate } }
categories: [wrong_amount, wrong_tone, not_grounded]
actions:
  support.reply:
    reversible: false
    payload: { type: object, required: [to, body], properties: { to: { type: string }, body: { type: string } } }
    execute: { via: agent }
    review: { queue: support, sla: 8h, onExpiry: escalate, escalateTo: support-leads }
    autonomy: review_all
  billing.refund:
    reversible: compensate
    payload: { type: object, required: [amount, customerId], properties: { amount: { type: number }, customerId: { type: string } } }
    execute: { via: agent }
    review: { queue: billing, sla: 8h }
    autonomy: review_all
queues:
  support: { sla: 8h, onExpiry: escalate, escalateTo: support-leads }
  support-leads: { sla: 8h, onExpiry: reject }
  billing: { sla: 8h, onExpiry: escalate, escalateTo: support-leads }
`;

const dataDir = await mkdtemp(join(tmpdir(), "loopgate-bench-desk-"));
const bench = await startBenchServer(dataDir, DESK_BENCH_POLICY, "policy.yaml");
const agentKey = await bench.key("bench-agent", "agent");
const password = "bench reviewer password";
await bench.person("bench-reviewer", "reviewer", password);
bench.announce({ url: bench.server.url, agentKey, name: "bench-reviewer", password }, () =>
  rm(dataDir, { recursive: true, force: true }),
);
