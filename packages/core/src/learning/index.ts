/**
 * The learning loop's maths (SPEC §5): labels from reviews, calibration maps, calibration metrics and
 * threshold recommendations. Pure; the store and the clock stay with the caller.
 */

export {
  type BreakerCounts,
  demotionTarget,
  nextStage,
  promotionCriteria,
  readBreakers,
  STAGE_ORDER,
  stageRank,
  stagesAbove,
} from "./autonomy.ts";
export {
  type BoundMethod,
  betaQuantile,
  clopperPearsonUpperBound,
  errorUpperBound,
  wilsonUpperBound,
} from "./binomial-bounds.ts";
export {
  type CalibrationInput,
  type CalibrationOptions,
  type CalibrationSample,
  calibratedConfidence,
  fitCalibrationMap,
} from "./calibration-map.ts";
export {
  brierScore,
  DEFAULT_BIN_COUNT,
  expectedCalibrationError,
  reliabilityBins,
  type ScoredOutcome,
} from "./calibration-metrics.ts";
export {
  calibrationRefitDue,
  MIN_CALIBRATION_EVIDENCE,
  type RefitDecision,
  type RefitRule,
} from "./calibration-refit.ts";
export { crossFittedConfidences } from "./cross-fitted-confidence.ts";
export {
  DECIDE_BUCKET_BOUNDS,
  decideBucketMetric,
  histogramBucketMetric,
  hourBucket,
} from "./metric-buckets.ts";
export {
  type CalibrationInForce,
  calibrationError,
  histogramQuantile,
  metricsPoint,
  metricsReport,
  type RollupCell,
} from "./metrics-report.ts";
export { numericSignals } from "./numeric-signals.ts";
export { normalizedTextDistance, payloadEditDistance } from "./payload-edit-distance.ts";
export { type ReviewLabel, type ReviewOutcome, reviewLabel } from "./review-label.ts";
export {
  type CaseText,
  rankSimilarCases,
  type SimilarCaseOptions,
  type SimilarCaseScore,
} from "./similar-cases.ts";
export { recommendThreshold, type ThresholdOptions } from "./threshold-recommendation.ts";
export {
  approvalStreaks,
  approvesUnchanged,
  type DecisionFact,
  dwellMs,
  HEALTHY_OVERRIDE_BAND,
  median,
  overrideBand,
  packetLength,
  reviewerVigilance,
} from "./vigilance.ts";
