/**
 * How well predicted probabilities match outcomes (SPEC §5): the reliability diagram, expected
 * calibration error and Brier score. Labels may be fractional (an edit is a partial success).
 */
import type { ReliabilityBin } from "../wire/learning.ts";

/** A predicted probability with the label it turned out to have, in [0, 1] both. */
export interface ScoredOutcome {
  confidence: number;
  label: number;
}

/** How many equal-width bins the reliability diagram and the ECE use unless told otherwise. */
export const DEFAULT_BIN_COUNT = 10;

/**
 * The reliability diagram: `bins` equal-width bins over [0, 1].
 *
 * @example
 * ```ts
 * reliabilityBins([{ confidence: 0.95, label: 1 }, { confidence: 0.92, label: 0 }], 10).at(-1);
 * // { from: 0.9, to: 1, n: 2, meanConfidence: 0.935, observed: 0.5 }
 * ```
 */
export function reliabilityBins(
  outcomes: readonly ScoredOutcome[],
  bins = DEFAULT_BIN_COUNT,
): ReliabilityBin[] {
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const n = new Array<number>(bins).fill(0);
  const confidenceSum = new Array<number>(bins).fill(0);
  const labelSum = new Array<number>(bins).fill(0);
  for (const { confidence, label } of outcomes) {
    const bin = binOf(confidence, bins);
    n[bin]! += 1;
    confidenceSum[bin]! += confidence;
    labelSum[bin]! += label;
  }
  return n.map((count, i) => ({
    from: round(i / bins),
    to: round((i + 1) / bins),
    n: count,
    meanConfidence: count === 0 ? null : confidenceSum[i]! / count,
    observed: count === 0 ? null : labelSum[i]! / count,
  }));
}

/**
 * Expected calibration error: the mean, weighted by bin size, of |mean confidence − observed rate| over
 * equal-width bins. 0 for no outcomes.
 *
 * @example
 * ```ts
 * expectedCalibrationError([{ confidence: 0.9, label: 1 }, { confidence: 0.9, label: 0 }]); // 0.4
 * ```
 */
export function expectedCalibrationError(
  outcomes: readonly ScoredOutcome[],
  bins = DEFAULT_BIN_COUNT,
): number {
  if (outcomes.length === 0) return 0;
  let total = 0;
  for (const bin of reliabilityBins(outcomes, bins)) {
    if (bin.n === 0) continue;
    total += bin.n * Math.abs(bin.meanConfidence! - bin.observed!);
  }
  return total / outcomes.length;
}

/**
 * Brier score: the mean squared difference between confidence and label (0 is perfect; always saying
 * 0.5 scores 0.25). 0 for no outcomes.
 *
 * @example
 * ```ts
 * brierScore([{ confidence: 0.8, label: 1 }, { confidence: 0.3, label: 0 }]); // (0.04 + 0.09) / 2 = 0.065
 * ```
 */
export function brierScore(outcomes: readonly ScoredOutcome[]): number {
  if (outcomes.length === 0) return 0;
  let total = 0;
  for (const { confidence, label } of outcomes) total += (confidence - label) ** 2;
  return total / outcomes.length;
}

function binOf(confidence: number, bins: number): number {
  if (!(confidence >= 0 && confidence <= 1))
    throw new RangeError(`confidence must be in [0, 1], got ${confidence}`);
  return Math.min(bins - 1, Math.floor(confidence * bins));
}

/** Bin edges as 0.1, 0.2 … rather than 0.30000000000000004. */
function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
