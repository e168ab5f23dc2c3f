import type { CalibrationMap } from "../wire/learning.ts";

/** Fewest labelled proposals a calibration map is fitted from (SPEC §5). */
export const MIN_CALIBRATION_EVIDENCE = 200;

/** When a map is refitted; the defaults are what Loopgate uses unless configured otherwise. */
export interface RefitRule {
  /** Fewest labelled proposals to fit from. @defaultValue 200 */
  minEvidence?: number;
  /** Refit when the labelled proposals grew by this share since the fit. @defaultValue 0.2 */
  growth?: number;
  /** Refit when the map is older than this, if any new evidence came in. @defaultValue 7 days */
  maxAgeMs?: number;
}

/** Whether to fit, and why (for logs and the calibration screen). */
export type RefitDecision =
  | { refit: true; reason: "first_fit" | "evidence_grew" | "aged" }
  | { refit: false; reason: "insufficient_evidence" | "fresh" };

const DAY_MS = 86_400_000;

/**
 * Whether the calibration map of an agent and action type should be (re)fitted now: the first time
 * 200 labelled proposals exist; then when the evidence has grown by 20% since the fit, or when the map is
 * older than seven days and anything new was labelled (drift shows in fresh decisions, so an old map
 * over unchanged evidence is refitted to the same thing and is left alone).
 *
 * @param labelled - labelled proposals available now
 * @param now - the caller's clock, ISO timestamp
 *
 * @example
 * ```ts
 * calibrationRefitDue({ map: null, labelled: 250, now }); // { refit: true, reason: "first_fit" }
 * ```
 */
export function calibrationRefitDue(input: {
  map: Pick<CalibrationMap, "evidence" | "fittedAt"> | null;
  labelled: number;
  now: string;
  rule?: RefitRule;
}): RefitDecision {
  const { map, labelled, rule = {} } = input;
  const minEvidence = rule.minEvidence ?? MIN_CALIBRATION_EVIDENCE;
  if (labelled < minEvidence) return { refit: false, reason: "insufficient_evidence" };
  if (map === null) return { refit: true, reason: "first_fit" };
  if (labelled >= map.evidence * (1 + (rule.growth ?? 0.2))) return { refit: true, reason: "evidence_grew" };
  const age = Date.parse(input.now) - Date.parse(map.fittedAt);
  if (labelled > map.evidence && age >= (rule.maxAgeMs ?? 7 * DAY_MS)) return { refit: true, reason: "aged" };
  return { refit: false, reason: "fresh" };
}
