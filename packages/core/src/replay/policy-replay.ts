import { wilsonUpperBound } from "../learning/binomial-bounds.ts";
import type { AutonomyStage } from "../lifecycle/statuses.ts";
import type { CompiledPolicy } from "../policy/compiled-policy.ts";
import type { RouteInput } from "../policy/route-input.ts";
import { routeProposal } from "../policy/route-proposal.ts";
import type { ReplayActionReport, ReplayReport, ReplayRoute, ReplayThresholds } from "../wire/replay.ts";
import { type ReplayRecord, recordedLabel } from "./replay-record.ts";
import { VerdictRouter } from "./route-verdict.ts";

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
  /**
   * The autonomy stage in force for an agent and action type (an approved promotion or a breaker's
   * demotion), as routing gets it; undefined: the candidate file's stage.
   */
  stageInForce?: (agentId: string, actionType: string) => AutonomyStage | undefined;
  /**
   * Check every n-th record's replayed route against `routeProposal` itself, and throw on a difference.
   * @defaultValue 256
   */
  checkEvery?: number;
}

/** What the report says about the replay besides the counts (the caller knows these, core does not). */
export interface ReplayMeta {
  policyVersion: number | null;
  policyHash: string;
  since: string | null;
}

/** Counts of one action type (or of all), mergeable across parts of the history replayed apart. */
export interface ReplayTally {
  proposals: number;
  autoBefore: number;
  autoAfter: number;
  /** `from>to` → count. */
  changes: Record<string, number>;
  newlyAutomated: number;
  reviewed: number;
  /**
   * Σ (1 − label) in units of 10⁻⁹, an integer: sums of integers do not depend on their order, so
   * history replayed in parts (on several threads) gives the very same report as in one pass.
   */
  errorNanos: number;
  noLongerAutomated: number;
}

/** What a part of the history contributes to a report: tallies by action type and over all. */
export interface ReplayTallies {
  byType: Record<string, ReplayTally>;
  totals: ReplayTally;
}

const newTally = (): ReplayTally => ({
  proposals: 0,
  autoBefore: 0,
  autoAfter: 0,
  changes: {},
  newlyAutomated: 0,
  reviewed: 0,
  errorNanos: 0,
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
  readonly #router: VerdictRouter;
  readonly #checkEvery: number;
  #routed = 0;
  readonly #byType = new Map<string, ReplayTally>();
  readonly #totals = newTally();

  constructor(policy: CompiledPolicy, options: ReplayOptions = {}) {
    this.#policy = policy;
    this.#options = options;
    this.#router = new VerdictRouter(policy);
    this.#checkEvery = Math.max(1, options.checkEvery ?? 256);
  }

  /**
   * The candidate's route for one record: the verdict routing gives (see `VerdictRouter`); every
   * `checkEvery`-th record is also routed by `routeProposal`, and a difference throws.
   */
  route(record: ReplayRecord): ReplayRoute {
    const input = this.#routeInput(record);
    const verdict = this.#router.verdict(input);
    if (this.#routed++ % this.#checkEvery === 0) {
      const routed = routeProposal(this.#policy, input).route.verdict;
      if (routed !== verdict) {
        throw new Error(
          `replay routed proposal ${record.proposalId} ${verdict} but routing gives ${routed}: this is a bug in replay, please report it`,
        );
      }
    }
    return verdict;
  }

  #routeInput(record: ReplayRecord): RouteInput {
    const type = record.input.action.type;
    const threshold =
      this.#options.thresholds?.[type] ??
      this.#options.thresholdInForce?.(record.agent.id, type) ??
      Number.POSITIVE_INFINITY;
    const stage = this.#options.stageInForce?.(record.agent.id, type);
    return {
      ...(stage === undefined ? {} : { stage }),
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
    };
  }

  /** Routes one record again and counts the outcome. */
  add(record: ReplayRecord): void {
    this.count(record, this.route(record));
  }

  /**
   * Counts a record routed `after` by {@link route}. The record's decisions are read only when it is
   * newly automated (its label is the evidence then), so a reader may fill them in for those alone.
   */
  count(record: ReplayRecord, after: ReplayRoute): void {
    const before = record.recordedVerdict;
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
        t.changes[key] = (t.changes[key] ?? 0) + 1;
      }
      if (before === "auto" && after !== "auto") t.noLongerAutomated++;
      if (newly) {
        t.newlyAutomated++;
        if (label !== null) {
          t.reviewed++;
          t.errorNanos += Math.round((1 - label) * 1e9);
        }
      }
    }
  }

  /** The counts so far, to merge with those of other parts of the history (see {@link merge}). */
  tallies(): ReplayTallies {
    return { byType: Object.fromEntries(this.#byType), totals: this.#totals };
  }

  /** Adds the counts of another part of the history, replayed apart under the same candidate. */
  merge(part: ReplayTallies): void {
    for (const [type, tally] of Object.entries(part.byType)) {
      let own = this.#byType.get(type);
      if (own === undefined) {
        own = newTally();
        this.#byType.set(type, own);
      }
      addTally(own, tally);
    }
    addTally(this.#totals, part.totals);
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

function addTally(into: ReplayTally, part: ReplayTally): void {
  into.proposals += part.proposals;
  into.autoBefore += part.autoBefore;
  into.autoAfter += part.autoAfter;
  for (const [key, count] of Object.entries(part.changes))
    into.changes[key] = (into.changes[key] ?? 0) + count;
  into.newlyAutomated += part.newlyAutomated;
  into.reviewed += part.reviewed;
  into.errorNanos += part.errorNanos;
  into.noLongerAutomated += part.noLongerAutomated;
}

function actionReport(actionType: string, declared: boolean, t: ReplayTally): ReplayActionReport {
  const changes = Object.entries(t.changes)
    .map(([key, count]) => {
      const [from, to] = key.split(">") as [ReplayRoute, ReplayRoute];
      return { from, to, count };
    })
    .sort((a, b) => b.count - a.count || compare(a.from, b.from) || compare(a.to, b.to));
  const changed = changes.reduce((n, change) => n + change.count, 0);
  const errorSum = t.errorNanos / 1e9;
  const errorRate = t.reviewed === 0 ? null : round(errorSum / t.reviewed);
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
          : round(wilsonUpperBound(Math.min(errorSum, t.reviewed), t.reviewed, REPLAY_BOUND_LEVEL)),
    },
    noLongerAutomated: t.noLongerAutomated,
  };
}

function sortedThresholds(thresholds: ReplayThresholds): ReplayThresholds {
  return Object.fromEntries(Object.entries(thresholds).sort(([a], [b]) => compare(a, b)));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round = (value: number): number => Math.round(value * 1e6) / 1e6;
