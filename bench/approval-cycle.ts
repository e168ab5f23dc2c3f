/**
 * bench/approval-cycle — the full approval cycle over HTTP (SPEC §9: ≥ 2,000 cycles/s on 2 cores):
 * an agent proposes, a reviewer claims and approves, and the agent's long poll returns `approved`.
 *
 * `--agents` concurrent agents (default 64) each loop: `POST /v1/proposals` (a support reply the 20-rule
 * bench policy sends to review), then at once `GET /v1/proposals/:id/decision?wait=30` until it answers
 * `approved`; the cycle is timed from the proposal's send to that answer. Meanwhile `--reviewers`
 * reviewers (one reviewer key each) work the `support` queue as a desk does: list the top of the queue
 * (`GET /v1/reviews?queue=support&limit=--page`, ordered as the reviewer app orders its inbox: priority,
 * then earliest due), claim the first item nobody else holds (a 409 means someone took it first: move on
 * to the next item, list again when the page runs out), load the packet (`GET /v1/proposals/:id`, as the
 * app does; `--packet no` skips it) and approve with its `packetHash`. An empty queue is listed again
 * after 2 ms. All reviewers see the same top of the queue, so by default (`--pick spread`) reviewer r
 * starts at the r-th claimable item of its page; `--pick first` has everyone try the top item first.
 *
 * With `--claim next` (the default) a reviewer instead takes each review with one
 * `POST /v1/reviews/claim-next` (`{"queue":"support"}`), which claims the next review nobody holds and
 * answers it with its packet, and approves with that packet's `packetHash`: the spec's cycle, propose →
 * claim → decide → the agent's wait returns. `--claim list` is the list-claim-load flow above.
 *
 * Cycles are counted over `--seconds` after `--warmup` seconds; the server's CPU (every thread of its
 * process, from /proc) over the same window is divided by the cycles completed in it.
 *
 *   npm run bench:approval-cycle -- [--engine sqlite|postgres] [--agents 64] [--reviewers 16] [--page 32]
 *                                   [--seconds 10] [--warmup 3] [--packet yes|no]
 *                                   [--pick spread|first] [--claim next|list]
 *
 * PostgreSQL: set LOOPGATE_DATABASE_URL, or pass --engine postgres to start a throwaway cluster.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { benchProposal } from "./support/bench-policy.ts";
import { HttpLoadClient } from "./support/http-client.ts";
import { summarize, table } from "./support/latency.ts";
import { withBenchDatabase } from "./support/postgres-cluster.ts";
import { cpuSince, processTree, threadCpu, totalMs } from "./support/process-cpu.ts";
import { spawnBenchServer } from "./support/spawn-server.ts";

const { values } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    agents: { type: "string", default: "64" },
    reviewers: { type: "string", default: "16" },
    page: { type: "string", default: "32" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    packet: { type: "string", default: "yes" },
    pick: { type: "string", default: "spread" },
    claim: { type: "string", default: "next" },
  },
});
const agents = Number(values.agents);
const reviewers = Number(values.reviewers);
const pageSize = Number(values.page);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const loadPacket = values.packet !== "no";
const spread = values.pick !== "first";
const claimNext = values.claim !== "list";

/** The fields of a review list item the reviewers read. */
interface ListedReview {
  id: string;
  proposalId: string;
  priority: number;
  dueAt: string;
  claim: { by: { id: string }; expiresAt: string } | null;
}

/** Highest priority first, then the earliest due: the reviewer app's inbox order (web/src/inbox). */
function byPriority(a: ListedReview, b: ListedReview): number {
  return b.priority - a.priority || a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id);
}

/** A support reply the bench policy always sends to review (agent confidence well below auto). */
function reviewedBody(i: number): string {
  const proposal = benchProposal(i) as { signals: { agentConfidence: number } };
  proposal.signals.agentConfidence = 0.55 + (i % 20) / 100;
  return JSON.stringify(proposal);
}

const PROPOSAL_ID = /^\{"id":"([^"]+)"/;
const STATUS = /"status":"([a-z_]+)"/;
const SETTLED_OTHERWISE = new Set([
  "rejected",
  "approved_with_edits",
  "auto_approved",
  "blocked",
  "expired",
  "cancelled",
  "needs_info",
  "escalated",
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await withBenchDatabase(values.engine === "postgres", async (env) => {
  const server = await spawnBenchServer({ ...env, BENCH_REVIEWERS: String(reviewers) });
  const agentClient = await HttpLoadClient.open(server.url, agents);
  const reviewerClient = await HttpLoadClient.open(server.url, reviewers);
  const agentAuth = `Authorization: Bearer ${server.key}\r\n`;

  // The measured window: cycles that end inside it count; CPU is read at its edges.
  let counting = false;
  let stopAgents = false;
  let agentsDone = false;
  const cycles: number[] = [];
  const steps = {
    propose: [] as number[],
    wait: [] as number[],
    list: [] as number[],
    claim: [] as number[],
    packet: [] as number[],
    decide: [] as number[],
  };
  const counts = { lists: 0, emptyLists: 0, claimConflicts: 0, decideConflicts: 0, waits: 0 };
  const errors: string[] = [];
  const error = (what: string) => {
    if (errors.length < 1000) errors.push(what);
  };
  const timed = (list: number[], since: number) => {
    if (counting) list.push(performance.now() - since);
  };

  let sequence = 0;
  const agent = async () => {
    while (!stopAgents) {
      const i = sequence++;
      const t0 = performance.now();
      const proposed = await agentClient.request(
        "POST",
        "/v1/proposals",
        `${agentAuth}Idempotency-Key: cycle-${i}\r\n`,
        reviewedBody(i),
      );
      timed(steps.propose, t0);
      const id = PROPOSAL_ID.exec(proposed.body)?.[1];
      if (proposed.status !== 201 || id === undefined) {
        error(`propose ${proposed.status} ${proposed.body.slice(0, 200)}`);
        continue;
      }
      if (STATUS.exec(proposed.body)?.[1] !== "pending_review") {
        error(`propose routed to ${STATUS.exec(proposed.body)?.[1]}, not review`);
        continue;
      }
      const t1 = performance.now();
      for (;;) {
        const waited = await agentClient.request("GET", `/v1/proposals/${id}/decision?wait=30`, agentAuth);
        if (counting) counts.waits++;
        // The proposal's own status is the first "status" of the answer (its id, then its fields).
        const status = waited.status === 200 ? STATUS.exec(waited.body)?.[1] : undefined;
        if (status === "approved") break;
        if (status === undefined || SETTLED_OTHERWISE.has(status)) {
          error(`wait ${waited.status} ${status ?? waited.body.slice(0, 200)}`);
          break;
        }
      }
      timed(steps.wait, t1);
      timed(cycles, t0);
    }
  };

  const nextReviewer = async (key: string) => {
    const auth = `Authorization: Bearer ${key}\r\n`;
    while (!agentsDone) {
      const t0 = performance.now();
      const claimed = await reviewerClient.request(
        "POST",
        "/v1/reviews/claim-next",
        auth,
        '{"queue":"support","leaseSeconds":300}',
      );
      timed(steps.claim, t0);
      if (claimed.status !== 200) {
        error(`claim-next ${claimed.status} ${claimed.body.slice(0, 200)}`);
        await sleep(10);
        continue;
      }
      const next = JSON.parse(claimed.body) as {
        review: { id: string } | null;
        proposal: { packetHash: string } | null;
      };
      if (next.review === null || next.proposal === null) {
        if (counting) counts.emptyLists++;
        await sleep(2);
        continue;
      }
      const t1 = performance.now();
      const decided = await reviewerClient.request(
        "POST",
        `/v1/reviews/${next.review.id}/decisions`,
        auth,
        JSON.stringify({ verdict: "approve", packetHash: next.proposal.packetHash }),
      );
      timed(steps.decide, t1);
      if (decided.status === 409) {
        if (counting) counts.decideConflicts++;
      } else if (decided.status !== 201) {
        error(`decide ${decided.status} ${decided.body.slice(0, 200)}`);
      }
    }
  };

  const reviewer = async (key: string, r: number) => {
    const auth = `Authorization: Bearer ${key}\r\n`;
    let me: string | null = null;
    while (!agentsDone) {
      const t0 = performance.now();
      const listed = await reviewerClient.request("GET", `/v1/reviews?queue=support&limit=${pageSize}`, auth);
      timed(steps.list, t0);
      if (counting) counts.lists++;
      if (listed.status !== 200) {
        error(`list ${listed.status} ${listed.body.slice(0, 200)}`);
        await sleep(10);
        continue;
      }
      const now = Date.now();
      const items = (JSON.parse(listed.body) as { items: ListedReview[] }).items
        .filter((r) => r.claim === null || r.claim.by.id === me || Date.parse(r.claim.expiresAt) <= now)
        .sort(byPriority);
      if (items.length === 0) {
        if (counting) counts.emptyLists++;
        await sleep(2);
        continue;
      }
      // Everyone sees the same top of the queue: with `--pick first` all reviewers try the same item
      // and convoy through 409s; `spread` starts reviewer r at the r-th claimable item and wraps.
      const start = spread ? r % items.length : 0;
      for (const item of [...items.slice(start), ...items.slice(0, start)]) {
        const t1 = performance.now();
        const claimed = await reviewerClient.request(
          "POST",
          `/v1/reviews/${item.id}/claim`,
          auth,
          '{"leaseSeconds":300}',
        );
        timed(steps.claim, t1);
        if (claimed.status === 409 || claimed.status === 410) {
          if (counting) counts.claimConflicts++;
          continue;
        }
        if (claimed.status !== 200) {
          error(`claim ${claimed.status} ${claimed.body.slice(0, 200)}`);
          continue;
        }
        me ??= (JSON.parse(claimed.body) as ListedReview).claim?.by.id ?? null;
        let decision = '{"verdict":"approve"}';
        if (loadPacket) {
          const t2 = performance.now();
          const packet = await reviewerClient.request("GET", `/v1/proposals/${item.proposalId}`, auth);
          timed(steps.packet, t2);
          if (packet.status !== 200) {
            error(`packet ${packet.status} ${packet.body.slice(0, 200)}`);
            continue;
          }
          const { packetHash } = JSON.parse(packet.body) as { packetHash: string };
          decision = JSON.stringify({ verdict: "approve", packetHash });
        }
        const t3 = performance.now();
        const decided = await reviewerClient.request(
          "POST",
          `/v1/reviews/${item.id}/decisions`,
          auth,
          decision,
        );
        timed(steps.decide, t3);
        if (decided.status === 409) {
          if (counting) counts.decideConflicts++;
        } else if (decided.status !== 201) {
          error(`decide ${decided.status} ${decided.body.slice(0, 200)}`);
        }
        break; // one decision per look at the queue: the next item is whoever is on top now
      }
    }
  };

  const running = [
    Promise.all(Array.from({ length: agents }, agent)).then(() => {
      agentsDone = true;
    }),
    ...server.reviewerKeys.map((key, r) => (claimNext ? nextReviewer(key) : reviewer(key, r))),
  ];

  await sleep(warmup * 1000);
  const pids = processTree(server.child.pid!);
  const serverBefore = threadCpu(pids);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  counting = true;
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = cpuSince(serverBefore, threadCpu(pids));
  const clientUsed = process.cpuUsage(clientBefore);
  const load = loadavg()[0]!;
  stopAgents = true;
  await Promise.all(running);
  agentClient.close();
  reviewerClient.close();
  await server.stop();

  const n = cycles.length;
  const f = (x: number) => x.toFixed(1);
  const us = (ms: number) => Math.round((ms * 1000) / n);
  const s = summarize(cycles);
  console.log(
    `\nbench/approval-cycle — ${server.engine}, ${agents} agents, ${reviewers} reviewers (` +
      (claimNext
        ? "claim-next with its packet, approve with packetHash"
        : `list ${pageSize}, ${loadPacket ? "packet loaded, approve with packetHash" : "approve without loading the packet"}, ` +
          `pick ${spread ? "spread" : "first"}`) +
      "), " +
      `20-rule policy, durable commits, ${seconds} s measured after ${warmup} s warm-up\n`,
  );
  console.log(
    table([
      {
        "cycles/s": Math.round(n / elapsed),
        cycles: n,
        "p50 ms": f(s.p50),
        "p90 ms": f(s.p90),
        "p99 ms": f(s.p99),
        "max ms": f(s.max),
        "server CPU µs/cycle": us(totalMs(serverCpu)),
        "client CPU µs/cycle": us((clientUsed.user + clientUsed.system) / 1000),
        ...(claimNext
          ? {}
          : {
              "lists/cycle": (counts.lists / n).toFixed(2),
              "claim 409s/cycle": (counts.claimConflicts / n).toFixed(2),
            }),
        errors: errors.length,
        "load avg (1 min)": load.toFixed(2),
      },
    ]),
  );
  const row = (step: string, list: number[]) => {
    const t = summarize(list);
    return { step, count: list.length, "p50 ms": f(t.p50), "p90 ms": f(t.p90), "p99 ms": f(t.p99) };
  };
  console.log("\nSteps (each request as its client saw it):\n");
  console.log(
    table([
      row("agent: POST /v1/proposals", steps.propose),
      row("agent: wait after propose (until approved)", steps.wait),
      ...(claimNext
        ? [row("reviewer: claim-next (with packet)", steps.claim)]
        : [
            row("reviewer: list top of queue", steps.list),
            row("reviewer: claim (incl. 409s)", steps.claim),
            ...(loadPacket ? [row("reviewer: load packet", steps.packet)] : []),
          ]),
      row("reviewer: approve", steps.decide),
    ]),
  );
  console.log(
    `\n${claimNext ? "empty claim-nexts" : "empty lists"}: ${counts.emptyLists}; decide 409s: ${counts.decideConflicts}; long polls: ${counts.waits}`,
  );
  console.log("\nServer CPU µs per cycle, by thread (pid/main is the event loop):\n");
  console.log(
    table(
      [...serverCpu.entries()]
        .filter(([, ms]) => us(ms) > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([thread, ms]) => ({ thread, "µs/cycle": us(ms) })),
    ),
  );
  if (errors.length > 0) console.log(`\nfirst errors:\n${errors.slice(0, 5).join("\n")}`);
  console.log(
    `\ncommand: npm run bench:approval-cycle -- --engine ${values.engine} --agents ${agents} --reviewers ${reviewers} ` +
      `--seconds ${seconds} --warmup ${warmup} ` +
      (claimNext
        ? "--claim next"
        : `--claim list --page ${pageSize} --packet ${loadPacket ? "yes" : "no"} --pick ${spread ? "spread" : "first"}`),
  );
});
