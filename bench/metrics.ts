/**
 * bench/metrics — `GET /v1/metrics` over a large history (SPEC §5, issue 6: under 100 ms with
 * 1,000,000 proposals stored).
 *
 * Seeds proposals spread over the last 30 days through `store.commit` — the real write path, so the
 * rollups are built the way a running server builds them — half of them decided by one of 8 reviewers,
 * then times the API in-process over HTTP for typical windows and filters.
 *
 *   npm run bench:metrics -- [--proposals 1000000] [--requests 30] [--engine sqlite|postgres]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createApiKey } from "../packages/server/src/app/api-keys.ts";
import { SYSTEM_ACTOR } from "../packages/server/src/app/principal.ts";
import { startServer } from "../packages/server/src/http/start-server.ts";
import { openStore } from "../packages/server/src/store/open-store.ts";
import type { Change, ProposalRow, ReviewRow, Store } from "../packages/server/src/store/store.ts";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";

const { values } = parseArgs({
  options: {
    proposals: { type: "string", default: "1000000" },
    requests: { type: "string", default: "30" },
    engine: { type: "string", default: "sqlite" },
  },
});
const total = Number(values.proposals);
const requests = Number(values.requests);
const ACTION_TYPES = ["support.reply", "billing.refund", "account.close", "crm.update", "kb.publish"];
const QUEUES = ["support", "billing", "support-leads", "default"];
const DAY = 86_400_000;
const now = Date.now();

function rows(i: number): { proposal: ProposalRow; review: ReviewRow | null } {
  // Spread evenly over 30 days (golden-ratio steps), ending a minute ago so the decisions stay in the past.
  const createdAt = new Date(
    now - 60_000 - Math.floor(((i * 0.6180339887498949) % 1) * 30 * DAY),
  ).toISOString();
  const actionType = ACTION_TYPES[i % ACTION_TYPES.length]!;
  const agentId = `agent-${i % 10}`;
  const reviewed = i % 5 !== 0;
  const proposal: ProposalRow = {
    id: `p${i}`,
    agentId,
    actionType,
    status: reviewed ? "pending_review" : "auto_approved",
    executionStatus: "not_started",
    idempotencyKey: null,
    requestHash: "0".repeat(64),
    policyVersion: 1,
    infoDueAt: null,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    doc: {
      revision: 1,
      action: { type: actionType, payload: { amount: i % 500 } },
      finalPayload: null,
      request: null,
      summary: null,
      evidence: [],
      toolCalls: [],
      context: {},
      alternatives: [],
      rollbackPlan: null,
      route: { verdict: reviewed ? "review" : "auto", reasons: [] },
      signals: {},
      confidence: null,
      execution: { attempts: 0 },
      info: [],
      agentName: agentId,
    },
  };
  if (!reviewed) return { proposal, review: null };
  const review: ReviewRow = {
    id: `r${i}`,
    proposalId: proposal.id,
    queue: QUEUES[i % QUEUES.length]!,
    status: "pending",
    level: 0,
    priority: 0,
    dueAt: new Date(Date.parse(createdAt) + 4 * 3_600_000).toISOString(),
    approvalsRequired: 1,
    approvers: [],
    claimedBy: null,
    claimExpiresAt: null,
    actionType,
    agentId,
    summary: null,
    policyVersion: 1,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  return { proposal, review };
}

const audit = (type: string, proposalId: string, at: string): Change["audit"] => [
  { at, actor: SYSTEM_ACTOR, type, proposalId, data: {} },
];

async function seed(store: Store): Promise<number> {
  const started = performance.now();
  const chunk = 1000;
  for (let start = 0; start < total; start += chunk) {
    const changes: Change[] = [];
    const decisions: Change[] = [];
    for (let i = start; i < Math.min(total, start + chunk); i++) {
      const { proposal, review } = rows(i);
      changes.push({
        writes: [
          { kind: "insertProposal", row: proposal },
          ...(review === null ? [] : [{ kind: "insertReview" as const, row: review }]),
        ],
        audit: audit("proposal.created", proposal.id, proposal.createdAt),
      });
      if (review !== null && i % 2 === 0) {
        const at = new Date(Date.parse(review.createdAt) + ((i * 37) % 7200) * 1000).toISOString();
        decisions.push({
          writes: [
            {
              kind: "insertDecision",
              row: {
                id: `d${i}`,
                reviewId: review.id,
                proposalId: proposal.id,
                verdict: i % 10 === 0 ? "reject" : "approve",
                byId: `reviewer-${i % 8}`,
                byName: `reviewer-${i % 8}`,
                at,
                category: null,
                comment: null,
                packetHash: null,
                payload: null,
              },
            },
            {
              kind: "updateReview",
              id: review.id,
              expectVersion: 1,
              set: { status: "decided", updatedAt: at },
            },
          ],
          audit: audit("review.decided", proposal.id, at),
        });
      }
    }
    for (const group of [changes, decisions]) {
      const results = await Promise.all(group.map((change) => store.commit(change)));
      const refused = results.find((r) => !r.ok);
      if (refused !== undefined) throw new Error(`seeding failed: ${JSON.stringify(refused)}`);
    }
    if ((start / chunk) % 50 === 0) process.stderr.write(`seeded ${start + chunk} of ${total}\r`);
  }
  process.stderr.write("\n");
  return total / ((performance.now() - started) / 1000);
}

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const dataDir = await mkdtemp(join(tmpdir(), "loopgate-bench-metrics-"));
  const databaseUrl = env.LOOPGATE_DATABASE_URL ?? process.env.LOOPGATE_DATABASE_URL ?? "";
  const store = await openStore(databaseUrl === "" ? { dataDir } : { dataDir, databaseUrl });
  try {
    const rate = await seed(store);
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
          "last 7 days, hourly, one reviewer",
          `from=${new Date(now - 7 * DAY).toISOString()}&reviewer=reviewer-2`,
        ],
      ] as const;
      const results: Record<string, string | number>[] = [];
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
        });
      }
      console.log(
        `${total} proposals stored (${store.engine}), seeded at ${Math.round(rate)}/s through store.commit.\n`,
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
    await rm(dataDir, { recursive: true, force: true });
  }
});
