/**
 * Stored history for the benchmarks that read it (`bench/replay`, `bench/metrics`): proposals as
 * `propose` stores them under the 20-rule bench policy, with their reviews, claims and decisions, a
 * million in about a minute on the embedded store. With `pending` it stores a backlog instead, every
 * proposal one that waits for review (`bench/claim-next`).
 *
 * Fast because it is written in bulk, yet through the store's own write path: each `store.commit`
 * carries a few thousand proposals with everything that happened to them (a claim, the decision, the
 * review closing), so the rows, the indexes and the metric rollups are exactly what a server writes,
 * one transaction and one fsync per chunk instead of per proposal. No audit entries are written:
 * neither benchmark reads the chain, and sealing a million entries would dominate the seeding.
 *
 * Signals and routes are computed once per input template ({@link TEMPLATES} of them, each a distinct
 * support reply or refund) with `propose`'s own `evaluate`, and every proposal of a template stores
 * that template's input, signals and route. That is exact as long as the route does not depend on the
 * proposal's id, i.e. the policy samples nothing; {@link HistorySeed} refuses a policy that does.
 */
import {
  type CompiledPolicy,
  loadPolicy,
  ProposalInput,
  type RouteDecision,
  type Signals,
} from "@loopgate/core";
import { evaluate } from "../../packages/server/src/app/propose.ts";
import type {
  DecisionRow,
  ProposalRow,
  ReviewRow,
  Store,
  Write,
} from "../../packages/server/src/store/store.ts";
import { BENCH_POLICY, benchProposal } from "./bench-policy.ts";

/** Distinct proposal inputs; a prime, so templates and agents (i mod 10) combine in every way. */
export const TEMPLATES = 1009;
/** Agents `agent-0` … `agent-9`, reviewers `reviewer-0` … `reviewer-7`. */
export const AGENTS = 10;
export const REVIEWERS = 8;
/** Proposals per commit: big enough that the fsync and the batch overhead vanish per proposal. */
const PER_COMMIT = 2500;
const DAY_MS = 86_400_000;

interface Template {
  input: ProposalInput;
  signals: Signals;
  decision: RouteDecision;
}

export interface SeedOptions {
  /** How many proposals to store. */
  total: number;
  /** The newest proposal is a minute before this time (ms). @defaultValue Date.now() */
  end?: number;
  /** Proposals are spread over this many days before `end`. @defaultValue 30 */
  days?: number;
  /** Called after each commit with how many proposals are stored. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Store only proposals the policy sends to review and decide none of them: `total` open reviews
   * (pending, or escalated where the route escalates), as a desk's backlog. @defaultValue false
   */
  pending?: boolean;
}

/** A template's input: mostly support replies (some angry, some without evidence), a fifth refunds. */
function templateInput(t: number): ProposalInput {
  if (t % 5 === 4) {
    const amounts = [5, 15, 50, 150, 1500];
    return ProposalInput.parse({
      action: {
        type: "billing.refund",
        payload: {
          amount: amounts[Math.floor(t / 5) % amounts.length],
          currency: t % 35 === 9 ? "GBP" : "EUR",
          customerId: `c_${t}`,
        },
      },
      summary: "Refund a double charge",
      evidence: [
        { source: "billing", id: `inv-${t}`, snippet: "The card was charged twice on the same day." },
      ],
      signals: { agentConfidence: 0.6 + (t % 40) / 100 },
      context: { entity: `customer:c_${t}` },
    });
  }
  const reply = benchProposal(t) as { request: { text: string }; evidence: unknown[] };
  if (t % 23 === 0) reply.evidence = [];
  if (t % 29 === 0)
    reply.request.text = "This is the worst service ever, I am furious and want my money back now!";
  return ProposalInput.parse(reply);
}

/**
 * Seeds stored history into a migrated store. Deterministic: the same options give the same rows
 * (ids `p00000000`, reviews `r…`, decisions `d…`), apart from `end`.
 */
export class HistorySeed {
  readonly policy: CompiledPolicy;
  readonly #templates: Template[] = [];
  /** The templates the policy sends to review, for {@link SeedOptions.pending}. */
  readonly #reviewed: Template[] = [];

  constructor(policyText: string = BENCH_POLICY) {
    const loaded = loadPolicy(policyText, { version: 1 });
    if (!loaded.ok) throw new Error(`seed policy: ${JSON.stringify(loaded.problems)}`);
    this.policy = loaded.policy;
    for (const [type, settings] of this.policy.actionTypes) {
      if (settings.sampling > 0)
        throw new Error(`${type} samples proposals: routes would depend on ids, so they cannot be shared`);
    }
    for (let t = 0; t < TEMPLATES; t++) {
      const input = templateInput(t);
      const { signals, decision } = evaluate(this.policy, `tpl${t}`, "agent-0", input);
      this.#templates.push({ input, signals, decision });
      if (decision.review !== null) this.#reviewed.push({ input, signals, decision });
    }
  }

  /** Stores `total` proposals, in commits of a few thousand; returns proposals stored per second. */
  async seed(store: Store, options: SeedOptions): Promise<number> {
    const started = performance.now();
    const end = options.end ?? Date.now();
    const span = (options.days ?? 30) * DAY_MS;
    for (let first = 0; first < options.total; first += PER_COMMIT) {
      const writes: Write[] = [];
      const last = Math.min(options.total, first + PER_COMMIT);
      for (let i = first; i < last; i++)
        writes.push(...this.writesOf(i, options.total, end, span, options.pending ?? false));
      const result = await store.commit({ writes, audit: [] });
      if (!result.ok) throw new Error(`seeding failed: ${JSON.stringify(result.conflict)}`);
      options.onProgress?.(last, options.total);
    }
    return options.total / ((performance.now() - started) / 1000);
  }

  /**
   * The writes of proposal `i`: the proposal as routed; for a review, the review opening, then for
   * every other reviewed proposal a claim, the decision (approve, edit or reject; refunds need two
   * approvals) and the review closing, with the proposal's final status. With `pending`, proposal `i`
   * is the i-th of the reviewed templates and its review stays open.
   */
  writesOf(i: number, total: number, end: number, span: number, pending = false): Write[] {
    const template = pending ? this.#reviewed[i % this.#reviewed.length]! : this.#templates[i % TEMPLATES]!;
    const { input, signals, decision } = template;
    const id = `p${String(i).padStart(8, "0")}`;
    const agentId = `agent-${i % AGENTS}`;
    // Evenly over the span in id order (as a server writes them: the indexes on time are appended to,
    // which keeps seeding fast), the newest 3 hours before `end` so every decision is in the past.
    const created = end - span + Math.floor((i / total) * (span - 3 * 3_600_000));
    const createdAt = new Date(created).toISOString();
    const verdict = decision.route.verdict;
    const proposal: ProposalRow = {
      id,
      agentId,
      actionType: input.action.type,
      status:
        decision.review !== null
          ? verdict === "escalate"
            ? "escalated"
            : "pending_review"
          : verdict === "auto"
            ? "auto_approved"
            : verdict === "needs_info"
              ? "needs_info"
              : "blocked",
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
        request: (input.request ?? null) as Record<string, unknown> | null,
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
        // propose keeps its response as text; about as long as the input again.
        response: JSON.stringify({
          id,
          action: input.action,
          summary: input.summary,
          evidence: input.evidence,
        }),
      },
    };
    const writes: Write[] = [{ kind: "insertProposal", row: proposal }];
    const plan = decision.review;
    if (plan === null) return writes;
    const review: ReviewRow = {
      id: `r${i}`,
      proposalId: id,
      queue: plan.queue,
      status: plan.level > 0 ? "escalated" : "pending",
      level: plan.level,
      priority: plan.priority,
      dueAt: new Date(created + plan.slaMs).toISOString(),
      approvalsRequired: plan.approvalsRequired,
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
      reconciliation: null,
    };
    writes.push({ kind: "insertReview", row: review });
    if (pending || i % 2 !== 0) return writes;

    const claimAt = created + ((i * 13) % 1800) * 1000;
    const reviewer = (n: number) => ({ id: `reviewer-${n % REVIEWERS}`, name: `reviewer-${n % REVIEWERS}` });
    const claimer = reviewer(i);
    writes.push({
      kind: "updateReview",
      id: review.id,
      expectVersion: 1,
      set: {
        claimedBy: claimer,
        claimExpiresAt: new Date(claimAt + 900_000).toISOString(),
        updatedAt: new Date(claimAt).toISOString(),
      },
    });
    const decidedAt = new Date(claimAt + ((i * 37) % 3600) * 1000).toISOString();
    const refund = input.action.type === "billing.refund";
    const kind = i % 10 === 0 ? "reject" : i % 10 === 4 && !refund ? "edit" : "approve";
    const payload =
      kind === "edit"
        ? { ...input.action.payload, body: `${String(input.action.payload.body)} Kind regards.` }
        : null;
    const decisionRow = (n: number, suffix: string): DecisionRow => ({
      id: `d${i}${suffix}`,
      reviewId: review.id,
      proposalId: id,
      verdict: kind,
      byId: reviewer(n).id,
      byName: reviewer(n).name,
      at: decidedAt,
      category:
        kind === "reject"
          ? (["wrong_facts", "tone", "policy"][i % 3] ?? null)
          : kind === "edit"
            ? "tone"
            : null,
      comment: null,
      packetHash: null,
      payload,
    });
    writes.push({ kind: "insertDecision", row: decisionRow(i, "") });
    if (kind === "approve" && plan.approvalsRequired > 1)
      writes.push({ kind: "insertDecision", row: decisionRow(i + 1, "b") });
    writes.push({
      kind: "updateReview",
      id: review.id,
      expectVersion: 2,
      set: { status: "decided", claimedBy: null, claimExpiresAt: null, updatedAt: decidedAt },
    });
    writes.push({
      kind: "updateProposal",
      id,
      expectVersion: 1,
      set: {
        status: kind === "reject" ? "rejected" : kind === "edit" ? "approved_with_edits" : "approved",
        updatedAt: decidedAt,
        ...(payload === null ? {} : { doc: { ...proposal.doc, finalPayload: payload } }),
      },
    });
    return writes;
  }
}

/**
 * Seeds `total` proposals into an empty store, or reuses a store that already holds them (a kept
 * `--data-dir`); returns proposals seeded per second, or null when reused.
 */
export async function seedOrReuse(
  store: Store,
  options: Omit<SeedOptions, "onProgress">,
  policyText: string = BENCH_POLICY,
): Promise<number | null> {
  const stored = await store.historySize(null);
  if (stored >= options.total) return null;
  if (stored > 0)
    throw new Error(`the store holds ${stored} proposals, fewer than ${options.total}: use an empty one`);
  return new HistorySeed(policyText).seed(store, { ...options, onProgress: seedProgress("seeded") });
}

/** A progress line on stderr, every ~5% and at the end. */
export function seedProgress(label: string): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    if (done < total && done - shown < total / 20) return;
    shown = done;
    process.stderr.write(`${label}: ${done} of ${total}${done === total ? "\n" : "\r"}`);
  };
}
