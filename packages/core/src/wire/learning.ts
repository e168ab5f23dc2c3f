import { z } from "zod";

/**
 * Wire and storage shapes of the learning loop (SPEC §5, §6): calibration maps, reliability data and
 * threshold recommendations.
 */

/** One bar of a reliability diagram: proposals whose confidence fell in `[from, to)` (the last bin includes 1). */
export const ReliabilityBin = z.object({
  from: z.number().min(0).max(1),
  to: z.number().min(0).max(1),
  n: z.number().int().min(0),
  meanConfidence: z.number().nullable().describe("mean predicted probability in the bin; null when empty"),
  observed: z.number().nullable().describe("mean label in the bin (approved unchanged = 1); null when empty"),
});
export type ReliabilityBin = z.infer<typeof ReliabilityBin>;

/** A numeric signal as the calibration map standardises it: `(value − mean) / scale`, the mean when missing. */
export const CalibrationFeature = z.object({
  name: z.string().describe('dotted path in the proposal\'s signals, e.g. "grounding" or "agent.margin"'),
  mean: z.number(),
  scale: z.number().positive(),
  weight: z.number(),
});
export type CalibrationFeature = z.infer<typeof CalibrationFeature>;

/**
 * A fitted calibration map for one agent and action type: from the agent's confidence and numeric
 * signals to the probability that a reviewer approves the proposal unchanged. Stored as JSON; `id` is a
 * hash of everything else but `fittedAt`, so the same evidence always gives the same id.
 */
export const CalibrationMap = z.object({
  format: z.literal(1),
  id: z.string(),
  agent: z.string(),
  actionType: z.string(),
  method: z.enum(["logistic", "logistic_isotonic"]),
  /** Log-odds = intercept + confidenceWeight · logit(agentConfidence) + Σ weight · standardised signal. */
  intercept: z.number(),
  confidenceWeight: z
    .number()
    .min(0)
    .describe("≥ 0, so calibrated confidence never falls as raw confidence rises"),
  features: z.array(CalibrationFeature),
  /** Optional monotone correction of the logistic output (pool-adjacent-violators knots). */
  isotonic: z.object({ x: z.array(z.number()), y: z.array(z.number()) }).nullable(),
  evidence: z.number().int().min(0).describe("labelled proposals the map was fitted on"),
  heldOutEce: z.number().min(0).describe("expected calibration error of the chosen method, out of fold"),
  fittedAt: z.string(),
});
export type CalibrationMap = z.infer<typeof CalibrationMap>;

/** A threshold on calibrated confidence and the evidence behind it (SPEC §5). */
export const ThresholdEvidence = z.object({
  threshold: z.number().min(0).max(1),
  targetErrorRate: z.number().min(0).max(1),
  errorUpperBound: z.number().min(0).max(1),
  observedErrorRate: z.number().min(0).max(1),
  expectedAutomationRate: z.number().min(0).max(1),
  evidence: z.number().int().min(0).describe("labelled proposals at or above the threshold"),
  reviewed: z.number().int().min(0).describe("labelled proposals considered in all"),
  bound: z.enum(["wilson", "clopper_pearson"]),
  level: z.number().gt(0).lt(1),
});
export type ThresholdEvidence = z.infer<typeof ThresholdEvidence>;

/** `GET /v1/calibration` query: both optional filters. */
export const CalibrationQuery = z.strictObject({
  agent: z.string().min(1).max(200).optional(),
  actionType: z.string().min(1).max(200).optional(),
});
export type CalibrationQuery = z.infer<typeof CalibrationQuery>;

/** Raw against calibrated, for one measure. */
const RawCalibrated = z.object({
  raw: z.number().min(0),
  calibrated: z.number().min(0).describe("the raw value until a calibration map exists"),
});

/**
 * Calibration of one agent and action type (SPEC §6). With a map, the figures are those measured when it
 * was fitted, calibrated confidences out of fold (each labelled proposal scored by a map fitted without
 * it); without one, over the labelled proposals so far, calibrated = raw.
 */
export const CalibrationReport = z.object({
  agent: z.string(),
  actionType: z.string(),
  reviewed: z.number().int().min(0).describe("labelled proposals the figures are over"),
  labelled: z.number().int().min(0).describe("labelled proposals stored now"),
  calibration: z.string().nullable().describe("id of the calibration map in force, or null"),
  fittedAt: z.string().nullable(),
  ece: RawCalibrated,
  brier: RawCalibrated,
  reliability: z.array(ReliabilityBin).describe("after calibration"),
  reliabilityRaw: z.array(ReliabilityBin).describe("of the agent's raw confidence"),
  thresholdAuto: z.number().nullable().describe("`thresholds.auto` in force, or null (never)"),
});
export type CalibrationReport = z.infer<typeof CalibrationReport>;

export const CalibrationReportList = z.object({ items: z.array(CalibrationReport) });
export type CalibrationReportList = z.infer<typeof CalibrationReportList>;

/** A person who acted on a recommendation, and when. */
const PersonAt = z.object({ id: z.string(), name: z.string(), at: z.string() });

/** A threshold recommendation (SPEC §5, §6); it never takes effect by itself. */
export const Recommendation = z.object({
  id: z.string(),
  agent: z.string(),
  actionType: z.string(),
  threshold: z.number().min(0).max(1),
  targetErrorRate: z.number().min(0).max(1),
  errorUpperBound: z.number().min(0).max(1),
  expectedAutomationRate: z.number().min(0).max(1),
  evidence: z.number().int().min(0).describe("labelled proposals at or above the threshold"),
  status: z.enum(["proposed", "approved", "superseded"]),
  requestedBy: PersonAt.nullable().describe("the owner who asked to apply it"),
  approvedBy: PersonAt.nullable().describe("the different owner who put it in force"),
  policyVersion: z.number().int().nullable().describe("the policy version it came in force with"),
  calibration: z.string().describe("the calibration map whose confidences it applies to"),
  detail: ThresholdEvidence,
  createdAt: z.string(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const RecommendationList = z.object({
  items: z.array(Recommendation),
  nextCursor: z.string().nullable(),
});
export type RecommendationList = z.infer<typeof RecommendationList>;

/** `GET /v1/recommendations` query. */
export const RecommendationQuery = z.strictObject({
  agent: z.string().min(1).max(200).optional(),
  actionType: z.string().min(1).max(200).optional(),
  status: z.enum(["proposed", "approved", "superseded"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type RecommendationQuery = z.infer<typeof RecommendationQuery>;
