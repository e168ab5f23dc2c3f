/**
 * bench/replay — `loopgate policy replay` over a large history (SPEC §5, issue 6: 1,000,000 stored
 * proposals replayed in under 20 s, with identical reports on identical inputs).
 *
 * Seeds support replies through `store.commit`, each with the signals and route `propose` computes under
 * the 20-rule bench policy, half of the reviewed ones decided (approve, edit or reject); then replays the
 * history twice with a candidate `thresholds.auto` (which every proposal's twenty CEL rules are evaluated
 * against) and checks that both reports are the same.
 *
 *   npm run bench:replay -- [--proposals 1000000] [--engine sqlite|postgres]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadPolicy, ProposalInput } from "@loopgate/core";
import { replayCandidate, replayHistory } from "../packages/server/src/app/policy-replay.ts";
import { SYSTEM_ACTOR } from "../packages/server/src/app/principal.ts";
import { evaluate } from "../packages/server/src/app/propose.ts";
import { openStore } from "../packages/server/src/store/open-store.ts";
import type { Change, ProposalRow, ReviewRow, Store } from "../packages/server/src/store/store.ts";
import { BENCH_POLICY, benchProposal } from "./support/bench-policy.ts";
import { table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";

const { values } = parseArgs({
  options: {
    proposals: { type: "string", default: "1000000" },
    engine: { type: "string", default: "sqlite" },
  },
});
const total = Number(values.proposals);
const loaded = loadPolicy(BENCH_POLICY, { version: 1 });
if (!loaded.ok) throw new Error(`bench policy: ${JSON.stringify(loaded.problems)}`);
const policy = loaded.policy;
const start = Date.now() - 30 * 86_400_000;

/** The i-th proposal as `propose` stores it, with a review when routed to one and maybe a decision. */
function rows(i: number): Change[] {
  const input = ProposalInput.parse(benchProposal(i));
  const id = `p${String(i).padStart(8, "0")}`;
  const agentId = `agent-${i % 10}`;
  const { signals, decision } = evaluate(policy, id, agentId, input);
  const createdAt = new Date(start + i * 1000).toISOString();
  const reviewed = decision.review !== null;
  const proposal: ProposalRow = {
    id,
    agentId,
    actionType: input.action.type,
    status: reviewed ? "pending_review" : decision.route.verdict === "auto" ? "auto_approved" : "blocked",
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
      action: input.action,
      finalPayload: null,
      request: input.request ?? null,
      summary: input.summary ?? null,
      evidence: input.evidence,
      toolCalls: input.toolCalls,
      context: input.context,
      alternatives: [],
      rollbackPlan: null,
      route: decision.route,
      signals,
      confidence: { calibrated: signals.agentConfidence, raw: signals.agentConfidence, calibration: null },
      execution: { attempts: 0 },
      info: [],
      agentName: agentId,
    },
  };
  const audit = (type: string, at: string): Change["audit"] => [
    { at, actor: SYSTEM_ACTOR, type, proposalId: id, data: {} },
  ];
  if (decision.review === null)
    return [
      { writes: [{ kind: "insertProposal", row: proposal }], audit: audit("proposal.created", createdAt) },
    ];
  const review: ReviewRow = {
    id: `r${i}`,
    proposalId: id,
    queue: decision.review.queue,
    status: "pending",
    level: 0,
    priority: 0,
    dueAt: new Date(Date.parse(createdAt) + 4 * 3_600_000).toISOString(),
    approvalsRequired: 1,
    approvers: [],
    claimedBy: null,
    claimExpiresAt: null,
    actionType: proposal.actionType,
    agentId,
    summary: proposal.doc.summary,
    policyVersion: 1,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  const changes: Change[] = [
    {
      writes: [
        { kind: "insertProposal", row: proposal },
        { kind: "insertReview", row: review },
      ],
      audit: audit("proposal.created", createdAt),
    },
  ];
  if (i % 2 === 0) {
    const at = new Date(Date.parse(createdAt) + 600_000).toISOString();
    const verdict = i % 10 === 0 ? "reject" : i % 10 === 4 ? "edit" : "approve";
    const payload =
      verdict === "edit"
        ? { ...input.action.payload, body: `${input.action.payload.body} Kind regards.` }
        : null;
    changes.push({
      writes: [
        {
          kind: "insertDecision",
          row: {
            id: `d${i}`,
            reviewId: review.id,
            proposalId: id,
            verdict,
            byId: `reviewer-${i % 8}`,
            byName: `reviewer-${i % 8}`,
            at,
            category: verdict === "approve" ? null : "tone",
            comment: null,
            packetHash: null,
            payload,
          },
        },
        { kind: "updateReview", id: review.id, expectVersion: 1, set: { status: "decided", updatedAt: at } },
        {
          kind: "updateProposal",
          id,
          expectVersion: 1,
          set: {
            status:
              verdict === "reject" ? "rejected" : verdict === "edit" ? "approved_with_edits" : "approved",
            updatedAt: at,
            ...(payload === null ? {} : { doc: { ...proposal.doc, finalPayload: payload } }),
          },
        },
      ],
      audit: audit("review.decided", at),
    });
  }
  return changes;
}

async function seed(store: Store): Promise<number> {
  const started = performance.now();
  const chunk = 1000;
  for (let first = 0; first < total; first += chunk) {
    const batch: Change[][] = [];
    for (let i = first; i < Math.min(total, first + chunk); i++) batch.push(rows(i));
    for (const step of [0, 1]) {
      const results = await Promise.all(batch.flatMap((c) => (c[step] ? [store.commit(c[step])] : [])));
      const refused = results.find((r) => !r.ok);
      if (refused !== undefined) throw new Error(`seeding failed: ${JSON.stringify(refused)}`);
    }
    if ((first / chunk) % 20 === 0) process.stderr.write(`seeded ${first + chunk} of ${total}\r`);
  }
  process.stderr.write("\n");
  return total / ((performance.now() - started) / 1000);
}

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const dataDir = await mkdtemp(join(tmpdir(), "loopgate-bench-replay-"));
  const databaseUrl = env.LOOPGATE_DATABASE_URL ?? process.env.LOOPGATE_DATABASE_URL ?? "";
  const store = await openStore(databaseUrl === "" ? { dataDir } : { dataDir, databaseUrl });
  try {
    const rate = await seed(store);
    const candidate = await replayCandidate(store, BENCH_POLICY);
    if (!candidate.ok) throw new Error("the bench policy does not load");
    const thresholds = { "support.reply": 0.8 };
    const runs: { seconds: number; json: string }[] = [];
    for (let run = 0; run < 2; run++) {
      const started = performance.now();
      const report = await replayHistory(store, candidate.candidate, { since: null, thresholds });
      runs.push({ seconds: (performance.now() - started) / 1000, json: JSON.stringify(report) });
    }
    const report = JSON.parse(runs[0]!.json);
    console.log(
      `${total} proposals stored (${store.engine}), seeded at ${Math.round(rate)}/s through store.commit.\n`,
    );
    console.log(
      table(
        runs.map((r, i) => ({
          run: i + 1,
          seconds: r.seconds.toFixed(2),
          "proposals/s": Math.round(total / r.seconds),
          "auto before": report.totals.automationRate.before,
          "auto after": report.totals.automationRate.after,
          "newly automated": report.totals.newlyAutomated.count,
          "est. error": report.totals.newlyAutomated.estimatedErrorRate,
        })),
      ),
    );
    console.log(`\nidentical reports: ${runs[0]!.json === runs[1]!.json ? "yes" : "NO"}`);
    console.log(`\nnpm run bench:replay -- --proposals ${total} --engine ${values.engine}`);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
