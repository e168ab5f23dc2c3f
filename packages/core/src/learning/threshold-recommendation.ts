import type { ThresholdEvidence } from "../wire/learning.ts";
import { type BoundMethod, errorUpperBound, normalQuantile, regularizedBeta } from "./binomial-bounds.ts";
import type { ScoredOutcome } from "./calibration-metrics.ts";

/** What a recommendation aims for. */
export interface ThresholdOptions {
  /** The action type's `targetErrorRate` from the policy. */
  targetErrorRate: number;
  /** @defaultValue "wilson" */
  bound?: BoundMethod;
  /** One-sided confidence level of the upper bound. @defaultValue 0.95 */
  level?: number;
}

/**
 * The lowest threshold on calibrated confidence whose upper confidence bound on the error rate of the
 * proposals at or above it stays at or under the target (SPEC §5), with its evidence — or `null` when no
 * threshold has enough evidence (the bound needs roughly 3 / target error-free proposals at the least).
 *
 * The error rate is the mean of 1 − label, so an edited proposal is a partial error. Candidate
 * thresholds are observed confidences, spaced about a twentieth of the evidence apart (fewer candidates,
 * less room to pick a lucky one); every proposal at or above a threshold counts, as it would have been
 * routed `auto`. `expectedAutomationRate` is the share of the reviewed proposals at or above it.
 *
 * Calibrated confidences scored by the map that was fitted on the same proposals flatter it; use
 * `crossFittedConfidences` (or confidences recorded at routing time) as input.
 *
 * @example
 * ```ts
 * recommendThreshold(outcomes, { targetErrorRate: 0.02 });
 * // { threshold: 0.93, errorUpperBound: 0.0197, expectedAutomationRate: 0.41, evidence: 820, … }
 * ```
 */
export function recommendThreshold(
  outcomes: readonly ScoredOutcome[],
  options: ThresholdOptions,
): ThresholdEvidence | null {
  const { targetErrorRate } = options;
  const bound = options.bound ?? "wilson";
  const level = options.level ?? 0.95;
  if (!(targetErrorRate > 0 && targetErrorRate < 1)) {
    throw new RangeError(`targetErrorRate must be in (0, 1), got ${targetErrorRate}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const sorted = [...outcomes].sort((a, b) => b.confidence - a.confidence);
  const passes = boundTest(bound, targetErrorRate, level);

  // Candidates on a grid a twentieth of the evidence apart, from where the bound could pass at all (no
  // errors among that many) down to every proposal. Testing each distinct confidence instead would let
  // the lowest passing one be where history happened to be luckiest, overstating its safety; on
  // Banking77 the fine grid's fresh error reached 2.5% at a 2% target, the coarse one's stayed ≤ 1.1%.
  let nextTest = 1;
  while (nextTest <= sorted.length && !passes(0, nextTest)) nextTest++;
  const step = Math.max(1, Math.ceil(sorted.length / 20));
  let best: { threshold: number; n: number; errors: number } | null = null;
  let n = 0;
  let errors = 0;
  for (let i = 0; i < sorted.length; i++) {
    const { confidence, label } = sorted[i]!;
    n += 1;
    errors += 1 - label;
    const last = i + 1 === sorted.length;
    // Only between distinct confidences: a threshold cannot split proposals with the same one.
    if (!last && sorted[i + 1]!.confidence === confidence) continue;
    if (n < nextTest && !last) continue;
    nextTest = n + step;
    if (passes(errors, n)) best = { threshold: confidence, n, errors };
  }
  if (best === null) return null;
  return {
    threshold: best.threshold,
    targetErrorRate,
    errorUpperBound: errorUpperBound(bound, clampErrors(best.errors, best.n), best.n, level),
    observedErrorRate: clampErrors(best.errors, best.n) / best.n,
    expectedAutomationRate: best.n / sorted.length,
    evidence: best.n,
    reviewed: sorted.length,
    bound,
    level,
  };
}

/**
 * Whether the bound at (errors, n) is within the target, without computing the bound: for Wilson a
 * closed form; for Clopper–Pearson the Beta CDF at the target (quantile ≤ target ⇔ CDF(target) ≥ level),
 * one evaluation instead of a bisection per candidate.
 */
function boundTest(
  bound: BoundMethod,
  target: number,
  level: number,
): (errors: number, n: number) => boolean {
  if (bound === "wilson") {
    const z = normalQuantile(level);
    const z2 = z * z;
    return (rawErrors, n) => {
      const p = clampErrors(rawErrors, n) / n;
      const upper = (p + z2 / (2 * n) + z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
      return upper <= target;
    };
  }
  return (rawErrors, n) => {
    const e = clampErrors(rawErrors, n);
    return n - e > 0 && regularizedBeta(target, e + 1, n - e) >= level;
  };
}

/** Sums of 1 − label drift by rounding; keep them in [0, n]. */
function clampErrors(errors: number, n: number): number {
  return Math.min(n, Math.max(0, errors));
}
