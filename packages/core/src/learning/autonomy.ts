import { AutonomyStage } from "../lifecycle/statuses.ts";
import type { BreakerSettings, PromotionSettings } from "../policy/autonomy-document.ts";
import type { AutonomyCriterion, AutonomyEvidence, BreakerReading } from "../wire/autonomy.ts";

/**
 * Earned autonomy (SPEC §5): which stage comes next, whether the evidence allows a promotion, and
 * whether a circuit breaker has tripped. Pure: the server counts, these functions judge.
 */

/** Stages from least to most autonomous. */
export const STAGE_ORDER: readonly AutonomyStage[] = AutonomyStage.options;

/** Position of a stage in {@link STAGE_ORDER} (0 = `observe`). */
export function stageRank(stage: AutonomyStage): number {
  return STAGE_ORDER.indexOf(stage);
}

/**
 * The stages a promotion from `stage` may go to, lowest first. `post_review` needs an action that can be
 * undone (`reversible: true | compensate`), so an irreversible type skips it.
 *
 * @example
 * ```ts
 * stagesAbove("threshold", false); // ["sample_only"]
 * stagesAbove("threshold", true); // ["post_review", "sample_only"]
 * ```
 */
export function stagesAbove(stage: AutonomyStage, reversible: boolean | "compensate"): AutonomyStage[] {
  return STAGE_ORDER.slice(stageRank(stage) + 1).filter(
    (next) => next !== "post_review" || reversible !== false,
  );
}

/** The next stage up, or null at the top. */
export function nextStage(stage: AutonomyStage, reversible: boolean | "compensate"): AutonomyStage | null {
  return stagesAbove(stage, reversible)[0] ?? null;
}

/**
 * Judges the evidence against the promotion criteria. The calibration criterion applies to a promotion
 * into `threshold`, which routes by calibrated confidence (a missing map fails it), and to promotions
 * above it when the pair has a map; an agent that sends no confidence can still earn `post_review` or
 * `sample_only`, which do not route by it.
 *
 * @example
 * ```ts
 * promotionCriteria(
 *   { decisions: 240, overrideRate: 0.06, calibrationError: 0.02, from: null, to: null },
 *   { minDecisions: 200, maxOverrideRate: 0.1, maxCalibrationError: 0.05 },
 *   "threshold",
 * ).every((c) => c.met); // true
 * ```
 */
export function promotionCriteria(
  evidence: AutonomyEvidence,
  settings: PromotionSettings,
  to: AutonomyStage,
): AutonomyCriterion[] {
  const criteria: AutonomyCriterion[] = [
    {
      name: "decisions",
      value: evidence.decisions,
      bound: settings.minDecisions,
      comparison: "at_least",
      met: evidence.decisions >= settings.minDecisions,
    },
    {
      name: "overrideRate",
      value: evidence.overrideRate,
      bound: settings.maxOverrideRate,
      comparison: "at_most",
      met: evidence.overrideRate === null ? false : evidence.overrideRate <= settings.maxOverrideRate,
    },
  ];
  if (to === "threshold" || (stageRank(to) > stageRank("threshold") && evidence.calibrationError !== null)) {
    criteria.push({
      name: "calibrationError",
      value: evidence.calibrationError,
      bound: settings.maxCalibrationError,
      comparison: "at_most",
      met:
        evidence.calibrationError === null
          ? false
          : evidence.calibrationError <= settings.maxCalibrationError,
    });
  }
  return criteria;
}

/** What happened to one agent and action type within a breaker window. */
export interface BreakerCounts {
  /**
   * Decisions on actions that ran unattended (post-reviews: the `post_review` stage and the sampled share
   * of auto-routed proposals) and the overriding ones among them (anything but approval).
   */
  finalDecisions: number;
  overridden: number;
  /** Executions of the action that ended, and how: executed, or failed / dead-lettered / unknown. */
  executionsFinished: number;
  executionsSucceeded: number;
  executionsFailed: number;
  /** Rollbacks started, and incidents reported as outcomes. */
  rollbacks: number;
  incidents: number;
}

/**
 * Reads each breaker that is turned on: its rate over the window, and whether it tripped — it has at
 * least `minEvents` opportunities and its rate is above its bound. Override: overriding ÷ post-review
 * decisions (reviews of actions that ran unattended); incident and rollback: ÷ executions that succeeded; executor failure: failed ÷ finished.
 *
 * @example
 * ```ts
 * const readings = readBreakers(counts, { ...DEFAULT_BREAKERS, override: 0.25 });
 * readings.find((r) => r.tripped)?.name; // "override" when 30 of 60 final decisions overrode the agent
 * ```
 */
export function readBreakers(counts: BreakerCounts, settings: BreakerSettings): BreakerReading[] {
  const readings: BreakerReading[] = [];
  const read = (
    name: BreakerReading["name"],
    bound: number | null,
    events: number,
    opportunities: number,
  ) => {
    if (bound === null) return;
    const rate = opportunities === 0 ? null : Math.min(1, events / opportunities);
    readings.push({
      name,
      rate,
      bound,
      events,
      opportunities,
      minEvents: settings.minEvents,
      tripped: rate !== null && opportunities >= settings.minEvents && rate > bound,
    });
  };
  read("override", settings.override, counts.overridden, counts.finalDecisions);
  read("incident", settings.incident, counts.incidents, counts.executionsSucceeded);
  read("rollback", settings.rollback, counts.rollbacks, counts.executionsSucceeded);
  read("executor_failure", settings.executorFailure, counts.executionsFailed, counts.executionsFinished);
  return readings;
}

/**
 * The stage a tripped breaker demotes to, or null when nothing changes: no breaker tripped, or the
 * stage in force is already at or below `demoteTo`.
 *
 * @example
 * ```ts
 * demotionTarget("post_review", readings, settings); // "review_all" when a breaker tripped
 * demotionTarget("review_all", readings, settings); // null
 * ```
 */
export function demotionTarget(
  stage: AutonomyStage,
  readings: readonly BreakerReading[],
  settings: BreakerSettings,
): { to: AutonomyStage; breaker: BreakerReading } | null {
  if (stageRank(stage) <= stageRank(settings.demoteTo)) return null;
  const tripped = readings.filter((r) => r.tripped);
  if (tripped.length === 0) return null;
  // The breaker furthest over its bound is the one to name.
  const worst = tripped.reduce((a, b) => ((b.rate ?? 0) - b.bound > (a.rate ?? 0) - a.bound ? b : a));
  return { to: settings.demoteTo, breaker: worst };
}
