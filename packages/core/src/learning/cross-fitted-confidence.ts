import {
  type CalibrationOptions,
  type CalibrationSample,
  calibratedConfidence,
  fitCalibrationMap,
} from "./calibration-map.ts";
import type { ScoredOutcome } from "./calibration-metrics.ts";

/**
 * Calibrated confidences for the very proposals a map is fitted on, each from a map that did not see
 * it (k-fold cross-fitting), with their labels — what a threshold recommendation should be computed
 * from when no out-of-sample history exists yet. Scoring the fitting data with its own map flatters the
 * map (most of all its isotonic steps), and a threshold chosen on flattered numbers automates more than
 * it should.
 *
 * @example
 * ```ts
 * recommendThreshold(crossFittedConfidences(samples), { targetErrorRate: 0.02 });
 * ```
 */
export function crossFittedConfidences(
  samples: readonly CalibrationSample[],
  options: CalibrationOptions & { folds?: number } = {},
): ScoredOutcome[] {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2)
    throw new RangeError(`folds must be an integer ≥ 2, got ${folds}`);
  if (samples.length < 2 * folds) {
    throw new RangeError(`need at least ${2 * folds} labelled proposals for ${folds}-fold cross-fitting`);
  }
  const out: ScoredOutcome[] = new Array(samples.length);
  for (let fold = 0; fold < folds; fold++) {
    // Interleaved folds, offset from the inner folds fitCalibrationMap uses, and deterministic.
    const map = fitCalibrationMap({
      agent: "",
      actionType: "",
      samples: samples.filter((_, i) => i % folds !== fold),
      fittedAt: "",
      options,
    });
    samples.forEach((sample, i) => {
      if (i % folds === fold) out[i] = { confidence: calibratedConfidence(map, sample), label: sample.label };
    });
  }
  return out;
}
