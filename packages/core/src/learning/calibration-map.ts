import { canonicalJson } from "../audit/canonical-json.ts";
import { sha256Hex } from "../audit/hash.ts";
import type { CalibrationFeature, CalibrationMap } from "../wire/learning.ts";
import { brierScore, expectedCalibrationError } from "./calibration-metrics.ts";
import { fitIsotonic, isotonicValue } from "./isotonic-regression.ts";
import {
  fitLogisticRegression,
  type LogisticModel,
  logisticProbability,
  logit,
  sigmoid,
} from "./logistic-regression.ts";

/** One labelled proposal as calibration sees it. */
export interface CalibrationSample {
  /** The agent's own confidence in [0, 1]. */
  agentConfidence: number;
  /** Numeric signals by dotted path (see `numericSignals`); a missing one counts as its mean. */
  signals: Readonly<Record<string, number>>;
  /** From `reviewLabel`: 1 approved unchanged, 0 refused, in between edited. */
  label: number;
}

/** What a calibration map is applied to. */
export type CalibrationInput = Omit<CalibrationSample, "label">;

/** Fitting options; the defaults suit a few hundred to a few thousand labelled proposals. */
export interface CalibrationOptions {
  /** L2 penalty on the standardised weights. @defaultValue 1 */
  l2?: number;
  /** Most signals used, the most often present first (ties by name). @defaultValue 32 */
  maxFeatures?: number;
  /**
   * Fewest labelled proposals before an isotonic correction is tried: below it, its steps rest on too few
   * points each and held-out error is too noisy to choose by. @defaultValue 500
   */
  minIsotonicEvidence?: number;
}

/**
 * Relative Brier improvement out of fold an isotonic correction needs over the plain logistic map. On
 * Banking77 (bench/calibration-banking77) ties within 0.1% chose isotonic steps that then calibrated
 * fresh proposals worse; a real shape error in the logistic curve shows as gains of several percent.
 */
const ISOTONIC_MIN_GAIN = 0.01;

/** Folds of the cross-validation that chooses between the logistic map and its isotonic correction. */
const FOLDS = 5;

/**
 * Fits a calibration map for one agent and action type (SPEC §5).
 *
 * Method: logistic regression (Platt scaling) of the label on logit(agentConfidence) and the standardised
 * numeric signals, L2-regularised and fitted by Newton's method — few parameters, so it behaves from 200
 * proposals on. If the weight on confidence comes out negative the map is refitted without it, so
 * calibrated confidence never falls as the agent's confidence rises. With enough evidence an isotonic
 * (pool-adjacent-violators) correction of the logistic output is also tried, and kept only when it has
 * the lower expected calibration error out of fold (5-fold cross-validation) and a Brier score lower by
 * at least 1% — ECE alone is too noisy to choose the more flexible curve by. Deterministic.
 *
 * @param fittedAt - when (ISO timestamp, from the caller's clock); not part of the id
 *
 * @example
 * ```ts
 * const map = fitCalibrationMap({ agent: "support-bot", actionType: "support.reply", samples, fittedAt: now });
 * calibratedConfidence(map, { agentConfidence: 0.97, signals: { grounding: 0.4 } }); // e.g. 0.81
 * ```
 */
export function fitCalibrationMap(input: {
  agent: string;
  actionType: string;
  samples: readonly CalibrationSample[];
  fittedAt: string;
  options?: CalibrationOptions;
}): CalibrationMap {
  const { samples, options = {} } = input;
  if (samples.length < 2)
    throw new RangeError(`need at least 2 labelled proposals to calibrate, got ${samples.length}`);
  for (const sample of samples) checkSample(sample);
  const l2 = options.l2 ?? 1;
  const features = chooseFeatures(samples, options.maxFeatures ?? 32);

  const logisticOutOfFold: number[] = new Array(samples.length);
  const isotonicOutOfFold: number[] = new Array(samples.length);
  const tryIsotonic = samples.length >= (options.minIsotonicEvidence ?? 500);
  for (let fold = 0; fold < FOLDS; fold++) {
    const train = samples.filter((_, i) => i % FOLDS !== fold);
    if (train.length < 2) continue;
    const model = fitMonotoneLogistic(train, features, l2);
    const curve = tryIsotonic
      ? fitIsotonic(
          train.map((s) => logisticScore(model, s)),
          train.map((s) => s.label),
        )
      : null;
    samples.forEach((sample, i) => {
      if (i % FOLDS !== fold) return;
      const score = logisticScore(model, sample);
      logisticOutOfFold[i] = score;
      isotonicOutOfFold[i] = curve === null ? score : isotonicValue(curve, score);
    });
  }
  const scored = (scores: number[]) =>
    samples.map((s, i) => ({ confidence: scores[i] ?? s.agentConfidence, label: s.label }));
  const logisticEce = expectedCalibrationError(scored(logisticOutOfFold));
  const isotonicEce = tryIsotonic
    ? expectedCalibrationError(scored(isotonicOutOfFold))
    : Number.POSITIVE_INFINITY;
  // Binned ECE is noisy and not a proper score: a step function can lower it by chance while predicting
  // no better. The isotonic correction, with its many more degrees of freedom, must also lower the Brier
  // score out of fold by at least ISOTONIC_MIN_GAIN to be kept.
  const useIsotonic =
    isotonicEce < logisticEce &&
    brierScore(scored(isotonicOutOfFold)) < (1 - ISOTONIC_MIN_GAIN) * brierScore(scored(logisticOutOfFold));

  const model = fitMonotoneLogistic(samples, features, l2);
  const isotonic = useIsotonic
    ? fitIsotonic(
        samples.map((s) => logisticScore(model, s)),
        samples.map((s) => s.label),
      )
    : null;
  const body = {
    format: 1 as const,
    agent: input.agent,
    actionType: input.actionType,
    method: useIsotonic ? ("logistic_isotonic" as const) : ("logistic" as const),
    intercept: model.model.intercept,
    confidenceWeight: model.model.weights[0]!,
    features: features.map((f, j) => ({ ...f, weight: model.model.weights[j + 1]! })),
    isotonic,
    evidence: samples.length,
    heldOutEce: useIsotonic ? isotonicEce : logisticEce,
  };
  return { ...body, id: `cal_${sha256Hex(canonicalJson(body)).slice(0, 24)}`, fittedAt: input.fittedAt };
}

/**
 * The calibrated confidence of a proposal under `map`: the estimated probability that a reviewer
 * approves it unchanged.
 */
export function calibratedConfidence(map: CalibrationMap, input: CalibrationInput): number {
  let z = map.intercept + map.confidenceWeight * logit(input.agentConfidence);
  for (const feature of map.features)
    z += feature.weight * standardised(feature, input.signals[feature.name]);
  const score = sigmoid(z);
  return map.isotonic === null ? score : isotonicValue(map.isotonic, score);
}

type Standardiser = Omit<CalibrationFeature, "weight">;

/** A fitted logistic model with the feature layout it was fitted on (confidence first, then the signals). */
interface FittedLogistic {
  model: LogisticModel;
  features: readonly Standardiser[];
}

function fitMonotoneLogistic(
  samples: readonly CalibrationSample[],
  features: readonly Standardiser[],
  l2: number,
) {
  const rows = samples.map((s) => [
    logit(s.agentConfidence),
    ...features.map((f) => standardised(f, s.signals[f.name])),
  ]);
  const labels = samples.map((s) => s.label);
  const model = fitLogisticRegression({ rows, labels }, { l2 });
  if (model.weights[0]! >= 0) return { model, features } satisfies FittedLogistic;
  // Confidence pointing the wrong way: drop it rather than let calibrated confidence fall as it rises.
  const without = fitLogisticRegression({ rows: rows.map((row) => row.slice(1)), labels }, { l2 });
  return {
    model: { intercept: without.intercept, weights: [0, ...without.weights] },
    features,
  } satisfies FittedLogistic;
}

function logisticScore(fitted: FittedLogistic, sample: CalibrationInput): number {
  return logisticProbability(fitted.model, [
    logit(sample.agentConfidence),
    ...fitted.features.map((f) => standardised(f, sample.signals[f.name])),
  ]);
}

/** Signals present in the samples with some spread, the most often present first, standardised. */
function chooseFeatures(samples: readonly CalibrationSample[], maxFeatures: number): Standardiser[] {
  const values = new Map<string, number[]>();
  for (const sample of samples) {
    for (const [name, value] of Object.entries(sample.signals)) {
      if (!Number.isFinite(value)) continue;
      const list = values.get(name);
      if (list === undefined) values.set(name, [value]);
      else list.push(value);
    }
  }
  const candidates: (Standardiser & { present: number })[] = [];
  for (const [name, list] of values) {
    const mean = list.reduce((a, b) => a + b, 0) / list.length;
    const variance = list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length;
    if (variance < 1e-12) continue;
    candidates.push({ name, mean, scale: Math.sqrt(variance), present: list.length });
  }
  candidates.sort((a, b) => b.present - a.present || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return candidates.slice(0, maxFeatures).map(({ name, mean, scale }) => ({ name, mean, scale }));
}

function standardised(feature: Standardiser, value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) ? 0 : (value - feature.mean) / feature.scale;
}

function checkSample(sample: CalibrationSample): void {
  if (!(sample.agentConfidence >= 0 && sample.agentConfidence <= 1)) {
    throw new RangeError(`agentConfidence must be in [0, 1], got ${sample.agentConfidence}`);
  }
  if (!(sample.label >= 0 && sample.label <= 1))
    throw new RangeError(`label must be in [0, 1], got ${sample.label}`);
}
