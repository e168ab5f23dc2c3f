/**
 * The server side of bench/review-desk: Loopgate on a fresh store with a two-queue support policy,
 * an agent key and a reviewer who signs in with a password. Prints `{ url, agentKey, name, password,
 * engine }` as one JSON line; stops on SIGTERM.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../../packages/server/src/app/api-keys.ts";
import { addUser } from "../../packages/server/src/app/people.ts";
import { SYSTEM_ACTOR } from "../../packages/server/src/app/principal.ts";
import { startServer } from "../../packages/server/src/http/start-server.ts";

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
const policyFile = join(dataDir, "policy.yaml");
await writeFile(policyFile, DESK_BENCH_POLICY);
const databaseUrl = process.env.LOOPGATE_DATABASE_URL;
const server = await startServer({
  port: 0,
  dataDir,
  ...(databaseUrl ? { databaseUrl } : {}),
  policyFile,
  logLevel: "warn",
  // The seeding agent submits 10,000 proposals as fast as it can; this is not what the bench measures.
  config: { rateLimit: { perSecond: 0, burst: 0 } },
});
const deps = { now: () => new Date().toISOString(), ids: server.deps.newId, actor: SYSTEM_ACTOR };
const agent = await createApiKey(server.deps.store, { name: "bench-agent", role: "agent" }, deps);
const password = "bench reviewer password";
await addUser(server.deps.store, { name: "bench-reviewer", role: "reviewer", password, pii: false }, deps);
process.stdout.write(
  `${JSON.stringify({ url: server.url, agentKey: agent.secret, name: "bench-reviewer", password, engine: server.deps.store.engine })}\n`,
);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
