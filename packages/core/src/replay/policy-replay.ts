import { wilsonUpperBound } from "../learning/binomial-bounds.ts";
import type { CompiledPolicy } from "../policy/compiled-policy.ts";
import { routeProposal } from "../policy/route-proposal.ts";
import type { ReplayActionReport, ReplayReport, ReplayRoute, ReplayThresholds } from "../wire/replay.ts";
import { type ReplayRecord, recordedLabel } from "./replay-record.ts";

/** Confidence level of the upper bound on the error among newly automated proposals. */
export const REPLAY_BOUND_LEVEL = 0.95;

export interface ReplayOptions {
  /** Candidate `thresholds.auto` per action type; they win over {@link ReplayOptions.thresholdInForce}. */
  thresholds?: ReplayThresholds;
  /**
   * `thresholds.auto` in force for an agent and action type when no candidate is given for the type.
   * @defaultValue never (`Infinity`), as before any threshold is approved
   */
  thresholdInForce?: (agentId: string, actionType: string) => number;
}

/** What the report says about the replay besides the counts (the caller knows these, core does not). */
export interface ReplayMeta {
  policyVersion: number | null;
  policyHash: string;
  since: string | null;
}

interface Tally {
  proposals: number;
  autoBefore: number;
  autoAfter: number;
  changes: Map<string, number>;
  newlyAutomated: number;
  reviewed: number;
  errorSum: number;
  noLongerAutomated: number;
}

const newTally = (): Tally => ({
  proposals: 0,
  autoBefore: 0,
  autoAfter: 0,
  changes: new Map(),
  newlyAutomated: 0,
  reviewed: 0,
  errorSum: 0,
  noLongerAutomated: 0,
});

/**
 * Replays stored history under a candidate policy or threshold (SPEC §5 "Replay"): each record is routed
 * again with core's routing, from the input, signals and confidence as recorded (nothing recomputed), and
 * compared with the route it got. Records are added one at a time, so a million proposals replay in
 * constant memory; {@link PolicyReplay.report} can be called at any point.
 *
 * Deterministic: the same policy, options and records (in the same order) give the same report, and every
 * list in it is sorted. Counting is by action type and over all of them.
 *
 * @example
 * ```ts
 * const replay = new PolicyReplay(candidate, { thresholds: { "support.reply": 0.85 } });
 * for (const record of records) replay.add(record);
 * replay.report({ policyVersion: null, policyHash, since: null }).totals.automationRate; // { before: 0.1, after: 0.4 }
 * ```
 */
export class PolicyReplay {
  readonly #policy: CompiledPolicy;
  readonly #options: ReplayOptions;
  readonly #byType = new Map<string, Tally>();
  readonly #totals = newTally();

  constructor(policy: CompiledPolicy, options: ReplayOptions = {}) {
    this.#policy = policy;
    this.#options = options;
  }

  /** The candidate's route for one record. */
  route(record: ReplayRecord): ReplayRoute {
    const type = record.input.action.type;
    const threshold =
      this.#options.thresholds?.[type] ??
      this.#options.thresholdInForce?.(record.agent.id, type) ??
      Number.POSITIVE_INFINITY;
    return routeProposal(this.#policy, {
      proposalId: record.proposalId,
      action: record.input.action,
      request: record.input.request ?? null,
      summary: record.input.summary,
      evidence: record.input.evidence,
      toolCalls: record.input.toolCalls,
      context: record.input.context,
      agent: record.agent,
      signals: record.signals,
      confidence: record.confidence.calibrated,
      agentConfidence: record.confidence.raw,
      thresholdAuto: threshold,
    }).route.verdict;
  }

  /** Routes one record again and counts the outcome. */
  add(record: ReplayRecord): void {
    const before = record.recordedVerdict;
    const after = this.route(record);
    const newly = before !== "auto" && after === "auto";
    const label = newly ? recordedLabel(record) : null;
    let tally = this.#byType.get(record.input.action.type);
    if (tally === undefined) {
      tally = newTally();
      this.#byType.set(record.input.action.type, tally);
    }
    for (const t of [tally, this.#totals]) {
      t.proposals++;
      if (before === "auto") t.autoBefore++;
      if (after === "auto") t.autoAfter++;
      if (before !== after) {
        const key = `${before}>${after}`;
        t.changes.set(key, (t.changes.get(key) ?? 0) + 1);
      }
      if (before === "auto" && after !== "auto") t.noLongerAutomated++;
      if (newly) {
        t.newlyAutomated++;
        if (label !== null) {
          t.reviewed++;
          t.errorSum += 1 - label;
        }
      }
    }
  }

  /** The report so far. */
  report(meta: ReplayMeta): ReplayReport {
    const types = [...this.#byType.keys()].sort();
    return {
      policyVersion: meta.policyVersion,
      policyHash: meta.policyHash,
      since: meta.since,
      thresholds: sortedThresholds(this.#options.thresholds ?? {}),
      proposals: this.#totals.proposals,
      totals: actionReport("*", true, this.#totals),
      actionTypes: types.map((type) =>
        actionReport(type, this.#policy.actionTypes.has(type), this.#byType.get(type)!),
      ),
    };
  }
}

/** Replays a whole list of records at once (see {@link PolicyReplay}). */
export function replayPolicy(
  policy: CompiledPolicy,
  records: Iterable<ReplayRecord>,
  meta: ReplayMeta,
  options: ReplayOptions = {},
): ReplayReport {
  const replay = new PolicyReplay(policy, options);
  for (const record of records) replay.add(record);
  return replay.report(meta);
}

function actionReport(actionType: string, declared: boolean, t: Tally): ReplayActionReport {
  const changes = [...t.changes.entries()]
    .map(([key, count]) => {
      const [from, to] = key.split(">") as [ReplayRoute, ReplayRoute];
      return { from, to, count };
    })
    .sort((a, b) => b.count - a.count || compare(a.from, b.from) || compare(a.to, b.to));
  const changed = changes.reduce((n, change) => n + change.count, 0);
  // Rounded so that sums taken in a different order still print the same report.
  const errorRate = t.reviewed === 0 ? null : round(t.errorSum / t.reviewed);
  return {
    actionType,
    declared,
    proposals: t.proposals,
    unchanged: t.proposals - changed,
    routeChanges: changes,
    automationRate: {
      before: t.proposals === 0 ? 0 : round(t.autoBefore / t.proposals),
      after: t.proposals === 0 ? 0 : round(t.autoAfter / t.proposals),
    },
    newlyAutomated: {
      count: t.newlyAutomated,
      reviewed: t.reviewed,
      unknownOutcome: t.newlyAutomated - t.reviewed,
      estimatedErrorRate: errorRate,
      errorUpperBound:
        t.reviewed === 0
          ? null
          : round(wilsonUpperBound(Math.min(t.errorSum, t.reviewed), t.reviewed, REPLAY_BOUND_LEVEL)),
    },
    noLongerAutomated: t.noLongerAutomated,
  };
}

function sortedThresholds(thresholds: ReplayThresholds): ReplayThresholds {
  return Object.fromEntries(Object.entries(thresholds).sort(([a], [b]) => compare(a, b)));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round = (value: number): number => Math.round(value * 1e6) / 1e6;
